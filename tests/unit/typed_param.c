/*
 * typed_param.c: typed parameters, built by drivers (driver_common.h),
 * through the wire (rpc/typed_param.h + XDR, as libvirt encodes them)
 * and back, every type; a peer's bad parameter is refused.
 */
#include <string.h>

#include "check.h"
#include "drivers/driver_common.h"
#include "rpc/typed_param.h"
#include "util/error.h"

/* Encode a record's params with XDR and decode them again. */
static bool roundtrip(const vireo_typed_param *in, int n, vireo_typed_param **out, int *nout)
{
    remote_domain_block_stats_flags_ret w, back;
    char buf[8192];
    XDR x;
    bool ok;

    memset(&w, 0, sizeof(w));
    memset(&back, 0, sizeof(back));
    typed_param_to_wire(in, n, &w.params.params_val, &w.params.params_len);
    w.nparams = n;
    xdrmem_create(&x, buf, sizeof(buf), XDR_ENCODE);
    ok = xdr_remote_domain_block_stats_flags_ret(&x, &w);
    xdr_destroy(&x);
    xdr_free((xdrproc_t)xdr_remote_domain_block_stats_flags_ret, (char *)&w);
    if (!ok)
        return false;
    xdrmem_create(&x, buf, sizeof(buf), XDR_DECODE);
    ok = xdr_remote_domain_block_stats_flags_ret(&x, &back);
    xdr_destroy(&x);
    ok = ok && typed_param_from_wire(back.params.params_val, back.params.params_len, out, nout) == 0;
    xdr_free((xdrproc_t)xdr_remote_domain_block_stats_flags_ret, (char *)&back);
    return ok;
}

static void test_builder_and_wire(void)
{
    GArray *a = typed_params_new();
    vireo_typed_param *p, *q = NULL;
    int n, nq = 0;

    typed_params_add_int(a, -5, "state.state");
    typed_params_add_uint(a, 7, "block.%u.count", 3);
    typed_params_add_llong(a, -1234567890123LL, "l");
    typed_params_add_ullong(a, 18446744073709551615ULL, "block.0.rd.bytes");
    typed_params_add_bool(a, true, "vcpu.0.halted");
    typed_params_add_string(a, "vda", "block.%u.name", 0);
    p = typed_params_steal(a, &n);
    CHECK(n == 6, "six parameters built (%d)", n);
    CHECK(strcmp(p[1].field, "block.3.count") == 0, "field formatted: %s", p[1].field);
    CHECK(roundtrip(p, n, &q, &nq), "XDR round trip");
    CHECK(nq == 6, "six come back (%d)", nq);
    if (nq == 6) {
        CHECK(q[0].type == VIREO_TYPED_PARAM_INT && q[0].value.i == -5, "int");
        CHECK(q[1].type == VIREO_TYPED_PARAM_UINT && q[1].value.ui == 7, "uint");
        CHECK(q[2].type == VIREO_TYPED_PARAM_LLONG && q[2].value.l == -1234567890123LL, "llong");
        CHECK(q[3].type == VIREO_TYPED_PARAM_ULLONG && q[3].value.ul == 18446744073709551615ULL,
              "ullong");
        CHECK(q[4].type == VIREO_TYPED_PARAM_BOOLEAN && q[4].value.b == 1, "boolean");
        CHECK(q[5].type == VIREO_TYPED_PARAM_STRING && strcmp(q[5].value.s, "vda") == 0 &&
                  strcmp(q[5].field, "block.0.name") == 0, "string");
    }
    typed_params_free(p, n);
    typed_param_free(q, nq);
}

static void test_long_field_cut(void)
{
    GArray *a = typed_params_new();
    g_autofree char *longname = g_strnfill(200, 'x');
    vireo_typed_param *p;
    int n;

    typed_params_add_int(a, 1, "%s", longname);
    p = typed_params_steal(a, &n);
    CHECK(strlen(p[0].field) == VIREO_TYPED_PARAM_FIELD_LENGTH - 1, "a long field is cut");
    typed_params_free(p, n);
    a = typed_params_new();
    p = typed_params_steal(a, &n);
    CHECK(n == 0 && p == NULL, "an empty array is NULL");
}

static void test_bad_peer(void)
{
    remote_typed_param w[2];
    vireo_typed_param *out = NULL;
    g_autofree char *longname = g_strnfill(100, 'y');
    int n = -1;

    memset(w, 0, sizeof(w));
    w[0].field = (char *)"ok";
    w[0].value.type = VIREO_TYPED_PARAM_INT;
    w[1].field = (char *)"bad";
    w[1].value.type = 42;
    CHECK(typed_param_from_wire(w, 2, &out, &n) < 0, "an unknown type is refused");
    CHECK(error_last() && error_last()->code == VIREO_ERR_RPC, "with VIREO_ERR_RPC");
    w[1].field = longname;
    w[1].value.type = VIREO_TYPED_PARAM_INT;
    CHECK(typed_param_from_wire(w, 2, &out, &n) < 0, "a field too long is refused");
    error_reset();
}

static void test_records(void)
{
    vireo_domain_stats_record **list = g_new0(vireo_domain_stats_record *, 2);
    GArray *a = typed_params_new();

    typed_params_add_string(a, "x", "s");
    list[0] = stats_record_new(NULL, a);
    CHECK(list[0]->nparams == 1, "a record holds its parameters");
    stats_record_list_free(list); /* frees strings, params, record, list */
    stats_record_list_free(NULL);
    CHECK(true, "record lists free (NULL too)");
}

/* The bulk statistics' fields every driver fills alike: libvirt's
 * names, in libvirt's order. */
static void test_stats_fields(void)
{
    static const char *const want[] = {
        "state.state", "state.reason", "balloon.current", "balloon.maximum",
        "net.3.rx.bytes", "net.3.rx.pkts", "net.3.rx.errs", "net.3.rx.drop",
        "net.3.tx.bytes", "net.3.tx.pkts", "net.3.tx.errs", "net.3.tx.drop",
    };
    vireo_interface_stats st = { 1, 2, 3, 4, 5, 6, 7, 8 };
    GArray *a = typed_params_new();
    vireo_typed_param *p;
    unsigned int groups;
    bool names = true;
    int n;

    stats_add_state(a, 1, 2);
    stats_add_balloon(a, 512, 1024);
    stats_add_net_counters(a, 3, &st);
    p = typed_params_steal(a, &n);
    for (int i = 0; i < n && i < (int)G_N_ELEMENTS(want); i++)
        names &= strcmp(p[i].field, want[i]) == 0;
    CHECK(n == (int)G_N_ELEMENTS(want) && names, "state, balloon and net fields by name, in order");
    CHECK(n == 12 && p[1].value.i == 2 && p[2].value.ul == 512 && p[4].value.ul == 1 &&
              p[8].value.ul == 5 && p[11].value.ul == 8,
          "their values (rx first: bytes, pkts, errs, drop)");
    typed_params_free(p, n);

    groups = 0;
    CHECK(stats_groups_pick(VIREO_FROM_LXC, 0, 0x3, &groups) && groups == 0x3,
          "no group asked: every group the driver has");
    groups = 0x5;
    CHECK(stats_groups_pick(VIREO_FROM_LXC, 0, 0x3, &groups) && groups == 0x1,
          "groups the driver lacks are dropped");
    groups = 0x5;
    CHECK(!stats_groups_pick(VIREO_FROM_LXC, VIREO_CONNECT_GET_ALL_DOMAINS_STATS_ENFORCE_STATS,
                             0x3, &groups) &&
              error_last() && error_last()->code == VIREO_ERR_ARGUMENT_UNSUPPORTED,
          "ENFORCE_STATS refuses them with ARGUMENT_UNSUPPORTED");
    error_reset();
}

int main(void)
{
    test_builder_and_wire();
    test_long_field_cut();
    test_bad_peer();
    test_records();
    test_stats_fields();
    return check_exit();
}
