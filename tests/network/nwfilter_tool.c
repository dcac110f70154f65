/*
 * nwfilter_tool.c: nwfilter-tool ROOT, what tests/network/test-nwfilter-veth.sh
 * drives: the node's filters (config under ROOT) in one process, with
 * commands read one a line from stdin, each answered with one line,
 * "ok ..." or "error CODE MESSAGE":
 *
 *   instantiate IFNAME MAC FILTER [NAME=VALUE ...]   nwfilter_instantiate
 *   teardown IFNAME                                  nwfilter_teardown
 *   define FILE                                      the driver's define_xml
 *   undefine NAME                                    the driver's undefine
 *   dumpxml NAME                                     get_xml_desc, one line
 *   list                                             list_all: the names
 *
 * Not a test by itself.  The node is made by hand (no networks, no
 * storage): the filters are all this exercises.
 */
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "conf/device_def.h"
#include "drivers/driver.h"
#include "drivers/handles.h"
#include "drivers/node.h"
#include "drivers/nwfilter/nwfilter_apply.h"
#include "drivers/nwfilter/nwfilter_state.h"
#include "util/error.h"
#include "util/mac.h"

static void answer_error(void)
{
    const vireo_error *e = error_last();

    printf("error %d %s\n", e ? e->code : -1, e ? e->message : "unknown");
    error_reset();
}

static void param_free(gpointer p)
{
    device_param *dp = p;

    g_free(dp->name);
    g_free(dp->value);
    g_free(dp);
}

static void cmd_instantiate(node_state *node, char **argv)
{
    g_autoptr(GPtrArray) params = g_ptr_array_new_with_free_func(param_free);
    unsigned char mac[6];

    if (!argv[1] || !argv[2] || !argv[3] || mac_parse(argv[2], mac) < 0) {
        printf("error -1 usage: instantiate IFNAME MAC FILTER [NAME=VALUE ...]\n");
        return;
    }
    for (char **a = argv + 4; *a; a++) {
        g_auto(GStrv) kv = g_strsplit(*a, "=", 2);
        device_param *p = g_new0(device_param, 1);

        p->name = g_strdup(kv[0]);
        p->value = g_strdup(kv[1] ? kv[1] : "");
        g_ptr_array_add(params, p);
    }
    if (nwfilter_instantiate(node, argv[1], mac, NULL, argv[3], params) < 0)
        answer_error();
    else
        printf("ok\n");
}

static void cmd_define(vireo_conn *conn, const char *file)
{
    g_autofree char *xml = NULL;
    vireo_nwfilter *f;

    if (!file || !g_file_get_contents(file, &xml, NULL, NULL)) {
        printf("error -1 cannot read %s\n", file ? file : "(none)");
        return;
    }
    f = nwfilter_node_driver.define_xml(conn, xml, 0);
    if (!f) {
        answer_error();
        return;
    }
    printf("ok %s\n", f->name);
    nwfilter_handle_unref(f);
}

static void cmd_on_filter(vireo_conn *conn, const char *verb, const char *name)
{
    vireo_nwfilter *f = name ? nwfilter_node_driver.lookup_by_name(conn, name) : NULL;

    if (!f) {
        answer_error();
        return;
    }
    if (strcmp(verb, "undefine") == 0) {
        if (nwfilter_node_driver.undefine(f) < 0)
            answer_error();
        else
            printf("ok\n");
    } else {
        g_autofree char *xml = nwfilter_node_driver.get_xml_desc(f, 0);

        if (!xml) {
            answer_error();
        } else {
            g_strdelimit(xml, "\n", ' ');
            printf("ok %s\n", xml);
        }
    }
    nwfilter_handle_unref(f);
}

static void cmd_list(vireo_conn *conn)
{
    vireo_nwfilter **all = NULL;
    int n = nwfilter_node_driver.list_all(conn, &all, 0);

    if (n < 0) {
        answer_error();
        return;
    }
    printf("ok");
    for (int i = 0; i < n; i++) {
        printf(" %s", all[i]->name);
        nwfilter_handle_unref(all[i]);
    }
    printf("\n");
    g_free(all);
}

static void run_line(node_state *node, vireo_conn *conn, char *line)
{
    g_auto(GStrv) argv = g_strsplit_set(g_strstrip(line), " ", -1);

    if (!argv[0] || !argv[0][0])
        return;
    if (strcmp(argv[0], "instantiate") == 0)
        cmd_instantiate(node, argv);
    else if (strcmp(argv[0], "teardown") == 0 && argv[1])
        nwfilter_teardown(node, argv[1]), printf("ok\n");
    else if (strcmp(argv[0], "define") == 0)
        cmd_define(conn, argv[1]);
    else if (strcmp(argv[0], "undefine") == 0 || strcmp(argv[0], "dumpxml") == 0)
        cmd_on_filter(conn, argv[0], argv[1]);
    else if (strcmp(argv[0], "list") == 0)
        cmd_list(conn);
    else
        printf("error -1 unknown command %s\n", argv[0]);
}

int main(int argc, char **argv)
{
    node_state *node;
    vireo_conn *conn;
    char line[4096];

    if (argc != 2) {
        fprintf(stderr, "usage: nwfilter-tool ROOT\n");
        return 2;
    }
    node = g_new0(node_state, 1);
    node->refs = 1;
    node->config_base = g_build_filename(argv[1], "etc", NULL);
    node->run_base = g_build_filename(argv[1], "run", NULL);
    node->nwfilters = nwfilter_state_open(node);
    if (!node->nwfilters) {
        fprintf(stderr, "nwfilter-tool: %s\n", error_last()->message);
        return 1;
    }
    conn = conn_handle_new("nwfilter:///tool", false);
    conn->node = node;
    setvbuf(stdout, NULL, _IOLBF, 0);
    while (fgets(line, sizeof(line), stdin)) {
        /* let the learning timers run between commands */
        while (g_main_context_iteration(NULL, FALSE))
            ;
        run_line(node, conn, line);
    }
    conn->node = NULL;   /* made by hand above, not acquired */
    conn_handle_unref(conn);
    nwfilter_state_close(node->nwfilters);
    g_free(node->config_base);
    g_free(node->run_base);
    g_free(node);
    return 0;
}
