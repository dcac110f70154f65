/*
 * cmd_list.c: the list command, virsh's layout: a table of Id, Name,
 * State (and Title), or bare names, UUIDs or ids, or JSON.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "cli/cli.h"

/* The domain's <title>, read from its XML (the API has no metadata call).
 * Caller frees; "" when there is none. */
typedef struct title_parse {
    int depth;
    bool in_title;
    GString *text;
} title_parse;

static void
title_start(GMarkupParseContext *c G_GNUC_UNUSED, const char *element,
            const char **names G_GNUC_UNUSED, const char **values G_GNUC_UNUSED,
            gpointer data, GError **err G_GNUC_UNUSED)
{
    title_parse *tp = data;

    tp->depth++;
    if (tp->depth == 2 && g_str_equal(element, "title"))
        tp->in_title = true;
}

static void
title_end(GMarkupParseContext *c G_GNUC_UNUSED, const char *element G_GNUC_UNUSED,
          gpointer data, GError **err G_GNUC_UNUSED)
{
    title_parse *tp = data;

    tp->depth--;
    tp->in_title = false;
}

static void
title_text(GMarkupParseContext *c G_GNUC_UNUSED, const char *text, gsize len,
           gpointer data, GError **err G_GNUC_UNUSED)
{
    title_parse *tp = data;

    if (tp->in_title)
        g_string_append_len(tp->text, text, len);
}

static char *
domain_title(vireo_domain *dom)
{
    static const GMarkupParser parser = { title_start, title_end, title_text, NULL, NULL };
    g_autofree char *xml = vireo_domain_get_xml_desc(dom, 0);
    title_parse tp = { 0, false, g_string_new(NULL) };
    GMarkupParseContext *ctx;

    if (xml) {
        ctx = g_markup_parse_context_new(&parser, 0, &tp, NULL);
        g_markup_parse_context_parse(ctx, xml, -1, NULL);
        g_markup_parse_context_free(ctx);
    }
    vireo_error_reset();
    return g_string_free(tp.text, FALSE);
}

/* virsh's order: running domains by id, then the others by name. */
static int
domain_sort(gconstpointer a, gconstpointer b)
{
    vireo_domain *da = *(vireo_domain *const *)a, *db = *(vireo_domain *const *)b;
    unsigned int ia = vireo_domain_get_id(da), ib = vireo_domain_get_id(db);

    if (ia != ib) {
        if (ia == (unsigned int)-1 || ib == (unsigned int)-1)
            return ia == (unsigned int)-1 ? 1 : -1;
        return ia < ib ? -1 : 1;
    }
    return strcmp(vireo_domain_get_name(da), vireo_domain_get_name(db));
}

static unsigned int
list_flags(const cli_args *args)
{
    static const struct { const char *opt; unsigned int flag; } filters[] = {
        { "persistent", VIREO_LIST_DOMAINS_PERSISTENT },
        { "transient", VIREO_LIST_DOMAINS_TRANSIENT },
        { "with-managed-save", VIREO_LIST_DOMAINS_MANAGEDSAVE },
        { "without-managed-save", VIREO_LIST_DOMAINS_NO_MANAGEDSAVE },
        { "autostart", VIREO_LIST_DOMAINS_AUTOSTART },
        { "no-autostart", VIREO_LIST_DOMAINS_NO_AUTOSTART },
        { "with-snapshot", VIREO_LIST_DOMAINS_HAS_SNAPSHOT },
        { "without-snapshot", VIREO_LIST_DOMAINS_NO_SNAPSHOT },
        { "with-checkpoint", VIREO_LIST_DOMAINS_HAS_CHECKPOINT },
        { "without-checkpoint", VIREO_LIST_DOMAINS_NO_CHECKPOINT },
        { "state-running", VIREO_LIST_DOMAINS_RUNNING },
        { "state-paused", VIREO_LIST_DOMAINS_PAUSED },
        { "state-shutoff", VIREO_LIST_DOMAINS_SHUTOFF },
        { "state-other", VIREO_LIST_DOMAINS_OTHER },
    };
    const unsigned int states = VIREO_LIST_DOMAINS_RUNNING | VIREO_LIST_DOMAINS_PAUSED |
                                VIREO_LIST_DOMAINS_SHUTOFF | VIREO_LIST_DOMAINS_OTHER;
    unsigned int flags = 0;

    if (cli_arg_bool(args, "inactive"))
        flags = VIREO_LIST_DOMAINS_INACTIVE;
    if (cli_arg_bool(args, "all"))
        flags = VIREO_LIST_DOMAINS_ACTIVE | VIREO_LIST_DOMAINS_INACTIVE;
    for (gsize i = 0; i < G_N_ELEMENTS(filters); i++) {
        if (cli_arg_bool(args, filters[i].opt))
            flags |= filters[i].flag;
    }
    /* like virsh: active domains by default, unless a state filter says
     * which domains by itself */
    if (!(flags & (VIREO_LIST_DOMAINS_INACTIVE | states)))
        flags |= VIREO_LIST_DOMAINS_ACTIVE;
    return flags;
}

static const char *
list_state(vireo_domain *dom, bool mark_saved)
{
    int state = VIREO_DOMAIN_NOSTATE, reason;

    if (vireo_domain_get_state(dom, &state, &reason, 0) < 0)
        return "no state";
    if (mark_saved && state == VIREO_DOMAIN_SHUTOFF && vireo_domain_has_managed_save(dom, 0) == 1)
        return "saved";
    return cli_state_string(state);
}

static bool
list_json(vireo_domain **doms, guint n)
{
    json_t *arr = json_array();

    for (guint i = 0; i < n; i++) {
        char uuid[VIREO_UUID_STRING_BUFLEN] = "";
        unsigned int id = vireo_domain_get_id(doms[i]);
        g_autofree char *title = domain_title(doms[i]);
        int state = 0, reason = 0, autostart = 0;

        vireo_domain_get_uuid_string(doms[i], uuid);
        vireo_domain_get_state(doms[i], &state, &reason, 0);
        vireo_domain_get_autostart(doms[i], &autostart);
        json_array_append_new(arr, json_pack(
            "{s:o, s:s, s:s, s:s, s:i, s:b, s:b, s:s}",
            "id", id == (unsigned int)-1 ? json_null() : json_integer(id),
            "name", vireo_domain_get_name(doms[i]), "uuid", uuid,
            "state", cli_state_string(state), "state_code", state,
            "persistent", vireo_domain_is_persistent(doms[i]) == 1,
            "autostart", autostart == 1, "title", title));
    }
    vireo_error_reset();
    return cli_json_print(json_pack("{s:o}", "domains", arr));
}

static void
list_plain(vireo_domain **doms, guint n, bool name, bool uuid, bool id)
{
    for (guint i = 0; i < n; i++) {
        char buf[VIREO_UUID_STRING_BUFLEN] = "";
        unsigned int domid = vireo_domain_get_id(doms[i]);

        vireo_domain_get_uuid_string(doms[i], buf);
        if (id && !name && !uuid) {
            if (domid != (unsigned int)-1)
                printf("%u\n", domid);
        } else if (uuid && name) {
            printf("%s %s\n", buf, vireo_domain_get_name(doms[i]));
        } else if (uuid) {
            printf("%s\n", buf);
        } else {
            printf("%s\n", vireo_domain_get_name(doms[i]));
        }
    }
}

static void
list_table(const cli_ctl *ctl, vireo_domain **doms, guint n, bool title, bool mark_saved)
{
    g_autoptr(cli_table) t = title ? cli_table_new(4, "Id", "Name", "State", "Title")
                                   : cli_table_new(3, "Id", "Name", "State");

    for (guint i = 0; i < n; i++) {
        unsigned int domid = vireo_domain_get_id(doms[i]);
        g_autofree char *id = domid == (unsigned int)-1 ? g_strdup("-")
                                                        : g_strdup_printf("%u", domid);
        const char *state = list_state(doms[i], mark_saved);
        g_autofree char *tt = title ? domain_title(doms[i]) : NULL;

        cli_table_add(t, id, vireo_domain_get_name(doms[i]), state, tt);
    }
    cli_table_print(t, !ctl->quiet);
}

static bool
list_check_exclusive(const cli_args *args)
{
    static const char *const others[] = { "name", "uuid", "id" };

    if (!cli_arg_bool(args, "table"))
        return true;
    for (gsize i = 0; i < G_N_ELEMENTS(others); i++) {
        if (cli_arg_bool(args, others[i])) {
            cli_error("Options --table and --%s are mutually exclusive", others[i]);
            return false;
        }
    }
    return true;
}

bool
cmd_list(cli_ctl *ctl, const cli_args *args)
{
    vireo_domain **doms = NULL;
    bool name = cli_arg_bool(args, "name"), uuid = cli_arg_bool(args, "uuid");
    bool id = cli_arg_bool(args, "id");
    bool ok = true;
    int n;

    if (!list_check_exclusive(args))
        return false;
    n = vireo_conn_list_all_domains(ctl->conn, &doms, list_flags(args));
    if (n < 0) {
        cli_error("Failed to list domains");
        return false;
    }
    qsort(doms, n, sizeof(*doms), domain_sort);
    if (cli_arg_bool(args, "json"))
        ok = list_json(doms, n);
    else if (name || uuid || id)
        list_plain(doms, n, name, uuid, id);
    else
        list_table(ctl, doms, n, cli_arg_bool(args, "title"), cli_arg_bool(args, "managed-save"));
    vireo_domain_list_free(doms);
    return ok;
}
