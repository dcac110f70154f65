/*
 * nwfilter_def.c: libvirt's network filter XML <-> nwfilter_def.
 *
 * Structural faults (unknown element, bad attribute value) are
 * XML_ERROR with the element and line; faults of the filter as a whole
 * (its name, chain or priority) are INVALID_NWFILTER naming it.
 */
#include <string.h>

#include <libxml/tree.h>

#include "conf/nwfilter_def.h"
#include "util/error.h"
#include "util/uuid.h"
#include "util/xml.h"

const char *const nwfilter_action_names[] = {
    "drop", "accept", "reject", "return", "continue", NULL,
};
const char *const nwfilter_direction_names[] = { "in", "out", "inout", NULL };

/* chain prefixes with their default priority and the longest suffix
 * nwfilter.rng allows */
static const struct {
    const char *prefix;
    int priority;
    size_t max_suffix;
} chain_kinds[] = {
    { "stp", -810, 9 }, { "mac", -800, 9 }, { "vlan", -750, 8 }, { "ipv4", -700, 8 },
    { "ipv6", -600, 8 }, { "arp", -500, 9 }, { "rarp", -400, 8 },
};

int nwfilter_chain_default_priority(const char *chain)
{
    for (size_t i = 0; i < G_N_ELEMENTS(chain_kinds); i++)
        if (g_str_has_prefix(chain, chain_kinds[i].prefix))
            return chain_kinds[i].priority;
    return 0;
}

static bool chain_valid(const char *chain)
{
    if (strcmp(chain, "root") == 0)
        return true;
    for (size_t i = 0; i < G_N_ELEMENTS(chain_kinds); i++) {
        const char *suffix;

        if (!g_str_has_prefix(chain, chain_kinds[i].prefix))
            continue;
        suffix = chain + strlen(chain_kinds[i].prefix);
        if (strlen(suffix) > chain_kinds[i].max_suffix)
            return false;
        for (const char *p = suffix; *p; p++)
            if (!g_ascii_isalnum(*p) && !strchr("_.:-", *p))
                return false;
        return true;
    }
    return false;
}

/* XML's NCName, ASCII only: what nwfilter.rng wants of filter names */
static bool ncname_valid(const char *s)
{
    if (!s[0] || !(g_ascii_isalpha(s[0]) || s[0] == '_'))
        return false;
    for (const char *p = s; *p; p++)
        if (!g_ascii_isalnum(*p) && !strchr("_.-", *p))
            return false;
    return true;
}

static bool chars_valid(const char *s, const char *extra)
{
    if (!s[0])
        return false;
    for (const char *p = s; *p; p++)
        if (!g_ascii_isalnum(*p) && !strchr(extra, *p))
            return false;
    return true;
}

void nwfilter_param_free(nwfilter_param *p)
{
    if (!p)
        return;
    g_free(p->name);
    g_free(p->value);
    g_free(p);
}

static void rule_free(nwfilter_rule *rule)
{
    if (!rule)
        return;
    if (rule->values)
        for (size_t i = 0; rule->proto->attrs[i]; i++)
            g_free(rule->values[i]);
    g_free(rule->values);
    g_free(rule);
}

static void entry_free(gpointer p)
{
    nwfilter_entry *e = p;

    rule_free(e->rule);
    g_free(e->ref);
    if (e->ref_params)
        g_ptr_array_unref(e->ref_params);
    g_free(e);
}

void nwfilter_def_free(nwfilter_def *def)
{
    if (!def)
        return;
    g_free(def->name);
    g_free(def->chain);
    if (def->entries)
        g_ptr_array_unref(def->entries);
    g_free(def);
}

static int parse_priority(xml_doc *d, xmlNode *node, int *out)
{
    int rc = xml_attr_int(d, node, "priority", out);

    if (rc == 1 && (*out < -1000 || *out > 1000)) {
        g_autofree char *v = g_strdup_printf("%d", *out);

        xml_report_invalid(d, node, "priority", v);
        return -1;
    }
    return rc;
}

static int parse_protocol(xml_doc *d, xmlNode *node, nwfilter_rule *rule)
{
    const nwfilter_protocol *proto = nwfilter_protocol_find((const char *)node->name);
    bool match = true;
    size_t n = 0;
    int rc;

    if (!proto) {
        error_report(VIREO_FROM_NWFILTER, VIREO_ERR_XML_ERROR,
                     "unknown protocol element <%s> in <rule> at line %ld", node->name,
                     xmlGetLineNo(node));
        return -1;
    }
    xml_mark(d, node);
    rule->proto = proto;
    while (proto->attrs[n])
        n++;
    rule->values = g_new0(char *, n + 1);
    if ((rc = xml_attr_bool(d, node, "match", &match)) < 0)
        return -1;
    rule->match_no = rc == 1 && !match;
    for (size_t i = 0; i < n; i++) {
        char *v = xml_attr(d, node, proto->attrs[i]);

        rule->values[i] = v;
        if (v && !nwfilter_value_valid(nwfilter_attr_type_of(proto, proto->attrs[i]), v)) {
            xml_report_invalid(d, node, proto->attrs[i], v);
            return -1;
        }
    }
    return 0;
}

static nwfilter_rule *parse_rule(xml_doc *d, xmlNode *node)
{
    nwfilter_rule *rule = g_new0(nwfilter_rule, 1);
    g_autofree char *statematch = NULL;
    int action = -1, dir = -1;
    xmlNode *child;

    rule->priority = 500;
    if (xml_attr_enum(d, node, "action", nwfilter_action_names, &action) < 0 ||
        xml_attr_enum(d, node, "direction", nwfilter_direction_names, &dir) < 0 ||
        parse_priority(d, node, &rule->priority) < 0)
        goto fail;
    if (action < 0 || dir < 0) {
        xml_report_missing(d, node, action < 0 ? "attribute 'action'" : "attribute 'direction'");
        goto fail;
    }
    rule->action = (nwfilter_action)action;
    rule->direction = (nwfilter_direction)dir;
    statematch = xml_attr(d, node, "statematch");
    if (statematch) {
        if (g_ascii_strcasecmp(statematch, "false") != 0 && strcmp(statematch, "0") != 0) {
            xml_report_invalid(d, node, "statematch", statematch);
            goto fail;
        }
        rule->statematch_off = true;
    }
    for (child = node->children; child; child = child->next) {
        if (child->type != XML_ELEMENT_NODE)
            continue;
        if (rule->proto) {
            error_report(VIREO_FROM_NWFILTER, VIREO_ERR_XML_ERROR,
                         "more than one protocol element in <rule> at line %ld (<%s> at line "
                         "%ld)", xmlGetLineNo(node), child->name, xmlGetLineNo(child));
            goto fail;
        }
        if (parse_protocol(d, child, rule) < 0)
            goto fail;
    }
    return rule;
fail:
    rule_free(rule);
    return NULL;
}

static int parse_filterref(xml_doc *d, xmlNode *node, nwfilter_entry *e)
{
    g_autoptr(GPtrArray) params = xml_children(d, node, "parameter");

    e->ref_params = g_ptr_array_new_with_free_func((GDestroyNotify)nwfilter_param_free);
    e->ref = xml_attr(d, node, "filter");
    if (!e->ref) {
        xml_report_missing(d, node, "attribute 'filter'");
        return -1;
    }
    if (!ncname_valid(e->ref)) {
        xml_report_invalid(d, node, "filter", e->ref);
        return -1;
    }
    for (guint i = 0; i < params->len; i++) {
        xmlNode *pn = params->pdata[i];
        nwfilter_param *p = g_new0(nwfilter_param, 1);

        g_ptr_array_add(e->ref_params, p);
        p->name = xml_attr(d, pn, "name");
        p->value = xml_attr(d, pn, "value");
        if (!p->name || !p->value) {
            xml_report_missing(d, pn, !p->name ? "attribute 'name'" : "attribute 'value'");
            return -1;
        }
        if (!chars_valid(p->name, "_")) {
            xml_report_invalid(d, pn, "name", p->name);
            return -1;
        }
        if (!chars_valid(p->value, "_.:")) {
            xml_report_invalid(d, pn, "value", p->value);
            return -1;
        }
    }
    return 0;
}

static int parse_entries(xml_doc *d, xmlNode *root, nwfilter_def *def)
{
    for (xmlNode *n = root->children; n; n = n->next) {
        nwfilter_entry *e;

        if (n->type != XML_ELEMENT_NODE)
            continue;
        if (strcmp((const char *)n->name, "rule") != 0 &&
            strcmp((const char *)n->name, "filterref") != 0)
            continue;   /* left unread: xml_doc_check_unused names it */
        xml_mark(d, n);
        e = g_new0(nwfilter_entry, 1);
        g_ptr_array_add(def->entries, e);
        if (strcmp((const char *)n->name, "rule") == 0) {
            if (!(e->rule = parse_rule(d, n)))
                return -1;
        } else if (parse_filterref(d, n, e) < 0) {
            return -1;
        }
    }
    return 0;
}

static int parse_head(xml_doc *d, xmlNode *root, nwfilter_def *def)
{
    int rc;

    def->name = xml_attr(d, root, "name");
    if (!def->name) {
        error_report(VIREO_FROM_NWFILTER, VIREO_ERR_XML_ERROR,
                     "filter has no name (<filter> at line %ld)", xmlGetLineNo(root));
        return -1;
    }
    if (!ncname_valid(def->name)) {
        error_report(VIREO_FROM_NWFILTER, VIREO_ERR_INVALID_NWFILTER,
                     "invalid filter name '%s': it must be an XML name (letters, digits, "
                     "'_', '.', '-')", def->name);
        return -1;
    }
    def->chain = xml_attr(d, root, "chain");
    if (!def->chain)
        def->chain = g_strdup("root");
    if (!chain_valid(def->chain)) {
        error_report(VIREO_FROM_NWFILTER, VIREO_ERR_INVALID_NWFILTER,
                     "filter '%s': invalid chain '%s' (root, or mac, stp, vlan, arp, rarp, "
                     "ipv4, ipv6 with a short suffix)", def->name, def->chain);
        return -1;
    }
    def->priority = nwfilter_chain_default_priority(def->chain);
    rc = xml_attr_int(d, root, "priority", &def->priority);
    if (rc < 0)
        return -1;
    if (rc == 1 && (def->priority < -1000 || def->priority > 1000)) {
        error_report(VIREO_FROM_NWFILTER, VIREO_ERR_INVALID_NWFILTER,
                     "filter '%s': priority %d is outside -1000..1000", def->name,
                     def->priority);
        return -1;
    }
    def->priority_set = rc == 1;
    def->uuid_generated = !xml_has_child(root, "uuid");
    return xml_child_uuid(d, root, VIREO_ERR_XML_ERROR, def->uuid);
}

void nwfilter_error_amend(const char *before, const char *after)
{
    const vireo_error *e = error_last();
    g_autofree char *detail = NULL;
    const char *text;
    size_t len;

    if (!e || !e->message)
        return;
    text = error_code_text(e->code);
    len = strlen(text);
    /* e goes with the next report: copy what is kept of it */
    detail = g_strdup(strncmp(e->message, text, len) == 0 && e->message[len] == ':'
                          ? e->message + len + 2 : e->message);
    error_report(e->domain, e->code, "%s%s%s", before, detail, after);
}

static void name_filter_in_error(const char *name)
{
    const vireo_error *e = error_last();
    g_autofree char *before = g_strdup_printf("filter '%s': ", name);

    if (e && e->message && !strstr(e->message, before))
        nwfilter_error_amend(before, "");
}

nwfilter_def *nwfilter_def_parse(const char *xml)
{
    g_autoptr(xml_doc) d = xml_doc_parse(xml, "(nwfilter_definition)", VIREO_FROM_NWFILTER);
    g_autoptr(nwfilter_def) def = NULL;
    xmlNode *root;

    if (!d || !(root = xml_doc_root(d, "filter")))
        return NULL;
    def = g_new0(nwfilter_def, 1);
    def->entries = g_ptr_array_new_with_free_func(entry_free);
    if (parse_head(d, root, def) < 0)
        return NULL;
    if (parse_entries(d, root, def) < 0 || xml_doc_check_unused(d) < 0) {
        name_filter_in_error(def->name);
        return NULL;
    }
    return g_steal_pointer(&def);
}

static void format_rule(xml_buf *b, const nwfilter_rule *rule)
{
    xml_buf attrs, kids;

    xbuf_init(&attrs, 0);
    xbuf_init_child(&kids, b);
    xbuf_add(b, "<rule action='%s' direction='%s' priority='%d'%s>\n",
             nwfilter_action_names[rule->action], nwfilter_direction_names[rule->direction],
             rule->priority, rule->statematch_off ? " statematch='false'" : "");
    if (rule->proto) {
        if (rule->match_no)
            xbuf_attr(&attrs, "match", "no");
        for (size_t i = 0; rule->proto->attrs[i]; i++)
            xbuf_attr(&attrs, rule->proto->attrs[i], rule->values[i]);
        xbuf_add(&kids, "<%s%s/>\n", rule->proto->name, attrs.str->str);
        g_string_append(b->str, kids.str->str);
    }
    xbuf_add(b, "</rule>\n");
    xbuf_clear(&attrs);
    xbuf_clear(&kids);
}

static void format_ref(xml_buf *b, const nwfilter_entry *e)
{
    xml_buf attrs, kids;

    xbuf_init(&attrs, 0);
    xbuf_init_child(&kids, b);
    xbuf_attr(&attrs, "filter", e->ref);
    for (guint i = 0; i < e->ref_params->len; i++) {
        const nwfilter_param *p = e->ref_params->pdata[i];
        xml_buf pa;

        xbuf_init(&pa, 0);
        xbuf_attr(&pa, "name", p->name);
        xbuf_attr(&pa, "value", p->value);
        xbuf_element(&kids, "parameter", &pa, NULL);
        xbuf_clear(&pa);
    }
    xbuf_element(b, "filterref", &attrs, &kids);
    xbuf_clear(&attrs);
    xbuf_clear(&kids);
}

char *nwfilter_def_format(const nwfilter_def *def)
{
    char uuid[VIREO_UUID_STRING_BUFLEN];
    xml_buf b, in, head;

    xbuf_init(&b, 0);
    xbuf_init(&head, 0);
    xbuf_init_child(&in, &b);
    uuid_format(def->uuid, uuid);
    xbuf_attr(&head, "name", def->name);
    xbuf_attr(&head, "chain", def->chain);
    if (def->priority_set)
        xbuf_attr_printf(&head, "priority", "%d", def->priority);
    xbuf_add(&b, "<filter%s>\n", head.str->str);
    xbuf_add(&in, "<uuid>%s</uuid>\n", uuid);
    for (guint i = 0; i < def->entries->len; i++) {
        const nwfilter_entry *e = def->entries->pdata[i];

        if (e->rule)
            format_rule(&in, e->rule);
        else
            format_ref(&in, e);
    }
    g_string_append(b.str, in.str->str);
    xbuf_add(&b, "</filter>\n");
    xbuf_clear(&in);
    xbuf_clear(&head);
    return xbuf_steal(&b);
}
