/*
 * nwfilter_rules.c: a filter tree with its variables -> one nftables
 * script (layout and verdicts: nwfilter_rules.h).
 */
#include <string.h>

#include "drivers/nwfilter/nwfilter_priv.h"
#include "drivers/nwfilter/nwfilter_rules.h"
#include "util/error.h"
#include "util/mac.h"

/* Rules one instantiation may make (variables with lists multiply them) */
#define MAX_RULES 4096
/* Filters deep a tree may nest */
#define MAX_DEPTH 64

#define CHAIN_ROOT 0
#define CHAIN_L3 1

/* One nft rule in a chain: sorted by priority, then by when it came */
typedef struct rule_line {
    int priority;
    guint seq;
    char *text;      /* owned: what follows "add rule bridge TABLE CHAIN " */
} rule_line;

/* One of libvirt's chains (root, l3 or a filter's chain='') */
typedef struct sub_chain {
    char *name;      /* owned: as in the XML ("ipv4-ip") */
    char *nft_out;   /* owned: the nft chain names */
    char *nft_in;
    GPtrArray *out;  /* owned: rule_line * */
    GPtrArray *in;
} sub_chain;

typedef struct build {
    nwfilter_lookup_fn lookup;
    void *opaque;
    GPtrArray *chains;   /* owned: sub_chain *; [CHAIN_ROOT], [CHAIN_L3], then the others */
    GPtrArray *stack;    /* names of the filters being walked (borrowed) */
    guint seq;
    guint count;         /* rules made so far */
    char **missing;      /* the caller's: a variable without value */
} build;

static void line_free(gpointer p)
{
    rule_line *l = p;

    g_free(l->text);
    g_free(l);
}

static void chain_free(gpointer p)
{
    sub_chain *c = p;

    g_free(c->name);
    g_free(c->nft_out);
    g_free(c->nft_in);
    g_ptr_array_unref(c->out);
    g_ptr_array_unref(c->in);
    g_free(c);
}

static sub_chain *chain_new(const char *name, const char *nft_out, const char *nft_in)
{
    sub_chain *c = g_new0(sub_chain, 1);

    c->name = g_strdup(name);
    c->nft_out = g_strdup(nft_out);
    c->nft_in = g_strdup(nft_in);
    c->out = g_ptr_array_new_with_free_func(line_free);
    c->in = g_ptr_array_new_with_free_func(line_free);
    return c;
}

static void line_add(build *b, GPtrArray *lines, int priority, const char *text)
{
    rule_line *l = g_new0(rule_line, 1);

    l->priority = priority;
    l->seq = b->seq++;
    l->text = g_strdup(text);
    g_ptr_array_add(lines, l);
}

GHashTable *nwfilter_vars_new(void)
{
    return g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                 (GDestroyNotify)g_ptr_array_unref);
}

void nwfilter_vars_add(GHashTable *vars, const char *name, const char *value)
{
    GPtrArray *list = g_hash_table_lookup(vars, name);

    if (!list) {
        list = g_ptr_array_new_with_free_func(g_free);
        g_hash_table_insert(vars, g_strdup(name), list);
    }
    g_ptr_array_add(list, g_strdup(value));
}

GHashTable *nwfilter_vars_overlay(GHashTable *vars, GPtrArray *params)
{
    GHashTable *copy = nwfilter_vars_new();
    g_autoptr(GHashTable) given = g_hash_table_new(g_str_hash, g_str_equal);
    GHashTableIter it;
    gpointer k, v;

    g_hash_table_iter_init(&it, vars);
    while (g_hash_table_iter_next(&it, &k, &v)) {
        GPtrArray *list = v;

        for (guint i = 0; i < list->len; i++)
            nwfilter_vars_add(copy, k, list->pdata[i]);
    }
    for (guint i = 0; params && i < params->len; i++) {
        const nwfilter_param *p = params->pdata[i];

        if (!g_hash_table_contains(given, p->name)) {
            g_hash_table_remove(copy, p->name);
            g_hash_table_add(given, p->name);
        }
        nwfilter_vars_add(copy, p->name, p->value);
    }
    return copy;
}

/* Only [A-Za-z0-9_] in an nft name; anything else as _xHH (exact: a
 * table name must not collide) or as _ (a chain's number keeps it apart) */
static void append_safe(GString *s, const char *name, bool exact)
{
    for (const char *p = name; *p; p++) {
        if (g_ascii_isalnum(*p) || *p == '_')
            g_string_append_c(s, *p);
        else if (exact)
            g_string_append_printf(s, "_x%02x", (unsigned char)*p);
        else
            g_string_append_c(s, '_');
    }
}

char *nwfilter_table_name(const char *ifname)
{
    GString *s = g_string_new("vireo_f_");

    append_safe(s, ifname, true);
    return g_string_free(s, FALSE);
}

/* The chain of a filter's chain='' (made at first use, with a jump from
 * the roots at its priority guarded by its protocol) */
static sub_chain *chain_get(build *b, const nwfilter_def *def)
{
    static const struct { const char *prefix, *guard; } guards[] = {
        { "mac", "" }, { "stp", "ether daddr 01:80:c2:00:00:00 " }, { "vlan", "ether type vlan " },
        { "ipv4", "ether type ip " }, { "ipv6", "ether type ip6 " }, { "arp", "ether type arp " },
        { "rarp", "ether type 0x8035 " },
    };
    sub_chain *c, *root = b->chains->pdata[CHAIN_ROOT];
    GString *o = g_string_new(NULL), *i = g_string_new(NULL);
    const char *guard = "";
    g_autofree char *jo = NULL, *ji = NULL;

    for (guint k = 2; k < b->chains->len; k++) {
        c = b->chains->pdata[k];
        if (strcmp(c->name, def->chain) == 0)
            goto done;
    }
    g_string_printf(o, "o%u_", b->chains->len);
    g_string_printf(i, "i%u_", b->chains->len);
    append_safe(o, def->chain, false);
    append_safe(i, def->chain, false);
    c = chain_new(def->chain, o->str, i->str);
    g_ptr_array_add(b->chains, c);
    for (size_t k = 0; k < G_N_ELEMENTS(guards); k++)
        if (g_str_has_prefix(def->chain, guards[k].prefix))
            guard = guards[k].guard;
    jo = g_strdup_printf("%sjump %s", guard, c->nft_out);
    ji = g_strdup_printf("%sjump %s", guard, c->nft_in);
    line_add(b, root->out, def->priority, jo);
    line_add(b, root->in, def->priority, ji);
done:
    g_string_free(o, TRUE);
    g_string_free(i, TRUE);
    return c;
}

static const char *const verdicts[] = {
    [NWFILTER_DROP] = "drop", [NWFILTER_ACCEPT] = "accept",
    [NWFILTER_REJECT] = "drop", /* see nwfilter_rules.h */
    [NWFILTER_RETURN] = "return", [NWFILTER_CONTINUE] = "continue",
};

/* One resolved rule into its chain, in each of its directions */
static int rule_emit(build *b, const nwfilter_def *def, const nwfilter_rule *rule,
                     char **values, sub_chain *c)
{
    g_autoptr(GString) text = g_string_new(NULL);
    const char *comment = nwfilter_rule_value(rule, values, "comment");

    if (++b->count > MAX_RULES) {
        error_report(VIREO_FROM_NWFILTER, VIREO_ERR_INVALID_NWFILTER,
                     "filter '%s' makes more than %d rules", def->name, MAX_RULES);
        return -1;
    }
    if (nwfilter_match_build(text, rule, values, def->name) < 0)
        return -1;
    g_string_append_printf(text, " %s", verdicts[rule->action]);
    if (comment) {
        g_autofree char *safe = g_strdup(comment);

        g_strdelimit(safe, "\"\\", '\'');
        g_string_append_printf(text, " comment \"%s\"", safe);
    }
    if (rule->direction != NWFILTER_DIR_IN)
        line_add(b, c->out, rule->priority, text->str + 1);
    if (rule->direction != NWFILTER_DIR_OUT)
        line_add(b, c->in, rule->priority, text->str + 1);
    return 0;
}

/* A variable reference of a rule: which list, which element or iterator */
typedef struct var_ref {
    GPtrArray *list;   /* borrowed from the variables */
    int index;         /* [N], -1 when an iterator */
    int iterator;
} var_ref;

/* One iterator: its position over lists of len elements */
typedef struct iter_pos {
    int id;
    guint len;
    guint pos;
} iter_pos;

static int refs_collect(build *b, const nwfilter_def *def, const nwfilter_rule *rule,
                        GHashTable *vars, var_ref *refs, GArray *iters)
{
    for (size_t i = 0; rule->proto->attrs[i]; i++) {
        g_autofree char *name = NULL;
        const char *v = rule->values[i];
        iter_pos *it = NULL;

        refs[i].list = NULL;
        if (!v || !nwfilter_value_var(v, &name, &refs[i].index, &refs[i].iterator))
            continue;
        refs[i].list = g_hash_table_lookup(vars, name);
        if (!refs[i].list || refs[i].list->len == 0) {
            if (b->missing && !*b->missing)
                *b->missing = g_strdup(name);
            error_report(VIREO_FROM_NWFILTER, VIREO_ERR_INVALID_NWFILTER,
                         "filter '%s': variable '%s' has no value", def->name, name);
            return -1;
        }
        if (refs[i].index >= 0) {
            if ((guint)refs[i].index >= refs[i].list->len) {
                error_report(VIREO_FROM_NWFILTER, VIREO_ERR_INVALID_NWFILTER,
                             "filter '%s': variable '%s' has no element %d", def->name, name,
                             refs[i].index);
                return -1;
            }
            continue;
        }
        for (guint k = 0; k < iters->len; k++)
            if (g_array_index(iters, iter_pos, k).id == refs[i].iterator)
                it = &g_array_index(iters, iter_pos, k);
        if (!it) {
            iter_pos n = { refs[i].iterator, refs[i].list->len, 0 };

            g_array_append_val(iters, n);
        } else if (it->len != refs[i].list->len) {
            error_report(VIREO_FROM_NWFILTER, VIREO_ERR_INVALID_NWFILTER,
                         "filter '%s': the lists iterated together by iterator %d differ in "
                         "length (variable '%s')", def->name, it->id, name);
            return -1;
        }
    }
    return 0;
}

/* A variable's value must be what its attribute takes (a parameter
 * given on an interface was never checked against the attribute) */
static int values_check(const nwfilter_def *def, const nwfilter_rule *rule, const var_ref *refs,
                        char **values)
{
    for (size_t i = 0; rule->proto->attrs[i]; i++) {
        nwfilter_attr_type type;

        if (!refs[i].list)
            continue;
        type = nwfilter_attr_type_of(rule->proto, rule->proto->attrs[i]);
        if (values[i][0] == '$' || !nwfilter_value_valid(type, values[i])) {
            error_report(VIREO_FROM_NWFILTER, VIREO_ERR_INVALID_NWFILTER,
                         "filter '%s': value '%s' of %s is not valid for attribute '%s' of <%s>",
                         def->name, values[i], rule->values[i], rule->proto->attrs[i],
                         rule->proto->name);
            return -1;
        }
    }
    return 0;
}

/* The rule once for each combination of its variables' values */
static int rule_expand(build *b, const nwfilter_def *def, const nwfilter_rule *rule,
                       GHashTable *vars, sub_chain *c)
{
    g_autoptr(GArray) iters = g_array_new(FALSE, TRUE, sizeof(iter_pos));
    g_autofree var_ref *refs = NULL;
    g_autofree char **values = NULL;
    size_t n = 0;

    if (!rule->proto)
        return rule_emit(b, def, rule, NULL, c);
    while (rule->proto->attrs[n])
        n++;
    refs = g_new0(var_ref, n);
    values = g_new0(char *, n + 1);
    if (refs_collect(b, def, rule, vars, refs, iters) < 0)
        return -1;
    for (;;) {
        guint k;

        for (size_t i = 0; i < n; i++) {
            values[i] = rule->values[i];
            if (refs[i].list && refs[i].index >= 0)
                values[i] = refs[i].list->pdata[refs[i].index];
            else if (refs[i].list)
                for (k = 0; k < iters->len; k++)
                    if (g_array_index(iters, iter_pos, k).id == refs[i].iterator)
                        values[i] = refs[i].list->pdata[g_array_index(iters, iter_pos, k).pos];
        }
        if (values_check(def, rule, refs, values) < 0 || rule_emit(b, def, rule, values, c) < 0)
            return -1;
        /* next combination: an odometer over the iterators */
        for (k = 0; k < iters->len; k++) {
            iter_pos *it = &g_array_index(iters, iter_pos, k);

            if (++it->pos < it->len)
                break;
            it->pos = 0;
        }
        if (k == iters->len)
            return 0;
    }
}

static int walk(build *b, const char *name, GHashTable *vars);

static int walk_entries(build *b, const nwfilter_def *def, GHashTable *vars)
{
    sub_chain *own = strcmp(def->chain, "root") == 0 ? b->chains->pdata[CHAIN_ROOT] : NULL;

    for (guint i = 0; i < def->entries->len; i++) {
        const nwfilter_entry *e = def->entries->pdata[i];
        sub_chain *c;

        if (e->ref) {
            g_autoptr(GHashTable) sub = nwfilter_vars_overlay(vars, e->ref_params);

            if (walk(b, e->ref, sub) < 0)
                return -1;
            continue;
        }
        if (e->rule->proto && e->rule->proto->layer == NWF_L3)
            c = b->chains->pdata[CHAIN_L3];
        else
            c = own ? own : (own = chain_get(b, def));
        if (rule_expand(b, def, e->rule, vars, c) < 0)
            return -1;
    }
    return 0;
}

static int walk(build *b, const char *name, GHashTable *vars)
{
    const nwfilter_def *def = b->lookup(name, b->opaque);
    int rc;

    if (!def) {
        error_report(VIREO_FROM_NWFILTER, VIREO_ERR_NO_NWFILTER,
                     "referenced filter '%s' is missing", name);
        return -1;
    }
    for (guint i = 0; i < b->stack->len; i++) {
        if (strcmp(b->stack->pdata[i], name) == 0 || b->stack->len >= MAX_DEPTH) {
            error_report(VIREO_FROM_NWFILTER, VIREO_ERR_INVALID_NWFILTER,
                         "filter '%s' references itself through its filterrefs", name);
            return -1;
        }
    }
    g_ptr_array_add(b->stack, (char *)name);
    rc = walk_entries(b, def, vars);
    g_ptr_array_remove_index(b->stack, b->stack->len - 1);
    return rc;
}

static gint line_cmp(gconstpointer x, gconstpointer y)
{
    const rule_line *a = *(rule_line *const *)x, *c = *(rule_line *const *)y;

    if (a->priority != c->priority)
        return a->priority < c->priority ? -1 : 1;
    return a->seq < c->seq ? -1 : a->seq > c->seq;
}

static void emit_lines(GString *s, const char *table, const char *chain, GPtrArray *lines)
{
    g_ptr_array_sort(lines, line_cmp);
    for (guint i = 0; i < lines->len; i++)
        g_string_append_printf(s, "add rule bridge %s %s %s\n", table, chain,
                               ((rule_line *)lines->pdata[i])->text);
}

/* The base chains hooking root chains out/in on ifname at priority prio */
static void emit_hooks(GString *s, const char *table, const char *ifname, const char *suffix,
                       int prio, const char *out, const char *in)
{
    static const char *const hooks[] = { "forward", "input", "output" };

    for (int h = 0; h < 3; h++) {
        g_string_append_printf(s, "add chain bridge %s base_%s%s { type filter hook %s "
                               "priority %d; policy accept; }\n", table, hooks[h], suffix,
                               hooks[h], prio);
        if (h != 2)
            g_string_append_printf(s, "add rule bridge %s base_%s%s iifname \"%s\" jump %s\n",
                                   table, hooks[h], suffix, ifname, out);
        if (h != 1)
            g_string_append_printf(s, "add rule bridge %s base_%s%s oifname \"%s\" jump %s\n",
                                   table, hooks[h], suffix, ifname, in);
    }
}

static bool ifname_valid(const char *ifname)
{
    if (!ifname[0] || strlen(ifname) > 15)
        return false;
    for (const char *p = ifname; *p; p++)
        if (!g_ascii_isalnum(*p) && !strchr("_.-", *p))
            return false;
    return true;
}

/* "add table; delete table; add table": replaces it whether or not it was there */
static GString *script_start(const char *table)
{
    GString *s = g_string_new(NULL);

    g_string_append_printf(s, "add table bridge %s\ndelete table bridge %s\n"
                           "add table bridge %s\n", table, table, table);
    return s;
}

static char *script_of(build *b, const char *ifname)
{
    g_autofree char *table = nwfilter_table_name(ifname);
    GString *s = script_start(table);
    sub_chain *l3 = b->chains->pdata[CHAIN_L3];
    bool has_l3 = l3->out->len || l3->in->len;

    for (guint i = 0; i < b->chains->len; i++) {
        sub_chain *c = b->chains->pdata[i];

        if (i == CHAIN_L3 && !has_l3)
            continue;
        g_string_append_printf(s, "add chain bridge %s %s\nadd chain bridge %s %s\n", table,
                               c->nft_out, table, c->nft_in);
    }
    for (guint i = 0; i < b->chains->len; i++) {
        sub_chain *c = b->chains->pdata[i];

        emit_lines(s, table, c->nft_out, c->out);
        emit_lines(s, table, c->nft_in, c->in);
    }
    emit_hooks(s, table, ifname, "", -200, "out_root", "in_root");
    if (has_l3)
        emit_hooks(s, table, ifname, "_l3", -150, "out_l3", "in_l3");
    return g_string_free(s, FALSE);
}

static int check_ifname(const char *ifname)
{
    if (ifname_valid(ifname))
        return 0;
    error_report(VIREO_FROM_NWFILTER, VIREO_ERR_INVALID_ARG,
                 "invalid interface name '%s' for a network filter", ifname);
    return -1;
}

char *nwfilter_rules_build(nwfilter_lookup_fn lookup, void *opaque, const char *filter,
                           GHashTable *vars, const char *ifname, char **missing)
{
    build b = { .lookup = lookup, .opaque = opaque, .missing = missing };
    char *script = NULL;

    if (check_ifname(ifname) < 0)
        return NULL;
    b.chains = g_ptr_array_new_with_free_func(chain_free);
    b.stack = g_ptr_array_new();
    g_ptr_array_add(b.chains, chain_new("root", "out_root", "in_root"));
    g_ptr_array_add(b.chains, chain_new("l3", "out_l3", "in_l3"));
    if (walk(&b, filter, vars) == 0)
        script = script_of(&b, ifname);
    g_ptr_array_unref(b.chains);
    g_ptr_array_unref(b.stack);
    return script;
}

char *nwfilter_rules_learning(const char *ifname, const unsigned char mac[6])
{
    g_autofree char *table = NULL;
    char m[MAC_STRING_BUFLEN];
    GString *s;

    if (check_ifname(ifname) < 0)
        return NULL;
    table = nwfilter_table_name(ifname);
    s = script_start(table);
    mac_format(mac, m);
    g_string_append_printf(s,
        "add chain bridge %s out_root\n"
        "add chain bridge %s in_root\n"
        "add rule bridge %s out_root ether saddr != %s drop\n"
        "add rule bridge %s out_root ether type ip ip saddr 0.0.0.0 ip protocol 17 "
        "th sport 68 th dport 67 accept\n"
        "add rule bridge %s out_root ether type arp @nh,112,32 0x00000000 accept\n"
        "add rule bridge %s out_root drop\n"
        "add rule bridge %s in_root ether type ip ip protocol 17 th sport 67 th dport 68 "
        "accept\n"
        "add rule bridge %s in_root ether type arp accept\n"
        "add rule bridge %s in_root drop\n",
        table, table, table, m, table, table, table, table, table, table);
    emit_hooks(s, table, ifname, "", -200, "out_root", "in_root");
    return g_string_free(s, FALSE);
}

char *nwfilter_rules_delete(const char *ifname)
{
    g_autofree char *table = nwfilter_table_name(ifname);

    return g_strdup_printf("add table bridge %s\ndelete table bridge %s\n", table, table);
}

static gboolean refs_walk(nwfilter_lookup_fn lookup, void *opaque, const char *filter,
                          const char *name, int depth)
{
    const nwfilter_def *def;

    if (strcmp(filter, name) == 0)
        return TRUE;
    if (depth > MAX_DEPTH || !(def = lookup(filter, opaque)))
        return FALSE;
    for (guint i = 0; i < def->entries->len; i++) {
        const nwfilter_entry *e = def->entries->pdata[i];

        if (e->ref && refs_walk(lookup, opaque, e->ref, name, depth + 1))
            return TRUE;
    }
    return FALSE;
}

gboolean nwfilter_tree_references(nwfilter_lookup_fn lookup, void *opaque, const char *filter,
                                  const char *name)
{
    return refs_walk(lookup, opaque, filter, name, 0);
}
