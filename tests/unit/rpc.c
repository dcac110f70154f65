/*
 * rpc.c (test-rpc): XDR round trips of the main protocol structs, the
 * exact bytes libvirt's peers expect for a few of them, and framing with
 * truncated, oversized, undersized, garbage and trailing-bytes input.
 * (The struct layout snapshot is compared by the build itself.)
 */
#include <string.h>

#include "check.h"
#include "rpc/packet.h"
#include "rpc/remote_protocol.h"
#include "util/error.h"

static const rpc_header test_hdr = {
    .prog = RPC_REMOTE_PROGRAM, .vers = RPC_PROTOCOL_VERSION,
    .proc = REMOTE_PROC_CONNECT_LIST_ALL_DOMAINS, .type = RPC_REPLY, .serial = 7,
    .status = RPC_OK,
};

/* A finished packet carrying filter(data), or NULL. */
static GByteArray *test_packet(xdrproc_t filter, void *data)
{
    GByteArray *pkt = rpc_packet_new(&test_hdr);

    if (rpc_packet_encode(pkt, filter, data) < 0) {
        g_byte_array_unref(pkt);
        return NULL;
    }
    rpc_packet_finish(pkt, &test_hdr);
    return pkt;
}

static void test_framing(void)
{
    uint8_t len[4] = { 0, 0, 0, 27 };
    uint8_t small[20] = { 0 };
    rpc_header hdr;
    g_autoptr(GByteArray) pkt = test_packet(RPC_XDR_VOID, NULL);

    CHECK(rpc_packet_length(len) == 0, "a length under 28 is refused");
    len[3] = 28;
    CHECK(rpc_packet_length(len) == 28, "a length of 28 (empty body) is accepted");
    len[0] = 0x02; len[1] = 0; len[2] = 0; len[3] = 0;
    CHECK(rpc_packet_length(len) == RPC_MAX_PACKET, "a length of exactly 32 MiB is accepted");
    len[3] = 1;
    CHECK(rpc_packet_length(len) == 0, "a length over 32 MiB is refused");
    memset(len, 0xff, sizeof(len));
    CHECK(rpc_packet_length(len) == 0, "a length of 4 GiB - 1 is refused");
    memset(len, 0, sizeof(len));
    CHECK(rpc_packet_length(len) == 0, "a length of 0 is refused");

    CHECK(rpc_header_decode(small, sizeof(small), &hdr) == -1, "a header under 28 bytes is refused");
    CHECK(pkt && pkt->len == 28, "an empty body makes a 28-byte packet");
    if (!pkt)
        return;
    CHECK(rpc_packet_length(pkt->data) == 28, "its length word says 28");
    CHECK(rpc_header_decode(pkt->data, pkt->len, &hdr) == 0 && hdr.prog == RPC_REMOTE_PROGRAM &&
              hdr.vers == 1 && hdr.proc == REMOTE_PROC_CONNECT_LIST_ALL_DOMAINS &&
              hdr.type == RPC_REPLY && hdr.serial == 7 && hdr.status == RPC_OK,
          "the header decodes to what was encoded");
    CHECK(memcmp(pkt->data + 4, "\x20\x00\x80\x86\x00\x00\x00\x01\x00\x00\x01\x11", 12) == 0,
          "the header is big-endian: program 0x20008086, version 1, procedure 273");
    CHECK(rpc_packet_decode(pkt->data, pkt->len, RPC_XDR_VOID, NULL) == 0,
          "an empty body decodes as no body");
    g_byte_array_append(pkt, (const guint8 *)"\0\0\0\0", 4);
    CHECK(rpc_packet_decode(pkt->data, pkt->len, RPC_XDR_VOID, NULL) == -1,
          "trailing bytes after no body are refused");
    CHECK(rpc_packet_decode(pkt->data, 27, RPC_XDR_VOID, NULL) == -1,
          "a packet under 28 bytes has no body to decode");
    error_reset();
}

/* libvirt's exact bytes for CONNECT_OPEN("test:///default", 0). */
static void test_open_bytes(void)
{
    char *name = (char *)"test:///default";
    remote_connect_open_args args = { .name = &name, .flags = 0 };
    remote_connect_open_args back;
    static const uint8_t want[] = {
        0, 0, 0, 1, 0, 0, 0, 15, 't', 'e', 's', 't', ':', '/', '/', '/',
        'd', 'e', 'f', 'a', 'u', 'l', 't', 0, 0, 0, 0, 0,
    };
    g_autoptr(GByteArray) pkt = test_packet((xdrproc_t)xdr_remote_connect_open_args, &args);

    CHECK(pkt && pkt->len == 28 + sizeof(want) && memcmp(pkt->data + 28, want, sizeof(want)) == 0,
          "CONNECT_OPEN args encode as libvirt's: present flag, length, padded string, flags");
    if (!pkt)
        return;
    memset(&back, 0, sizeof(back));
    CHECK(rpc_packet_decode(pkt->data, pkt->len, (xdrproc_t)xdr_remote_connect_open_args, &back) ==
                  0 && back.name && strcmp(*back.name, "test:///default") == 0 && back.flags == 0,
          "CONNECT_OPEN args decode back");
    xdr_free((xdrproc_t)xdr_remote_connect_open_args, &back);

    args.name = NULL;
    g_byte_array_unref(pkt);
    pkt = test_packet((xdrproc_t)xdr_remote_connect_open_args, &args);
    CHECK(pkt && pkt->len == 28 + 8, "a NULL name encodes as one absent flag");
}

static void test_domain_list(void)
{
    remote_nonnull_domain doms[2] = {
        { .name = (char *)"web", .uuid = "0123456789abcdef", .id = 3 },
        { .name = (char *)"db", .uuid = "fedcba9876543210", .id = -1 },
    };
    remote_connect_list_all_domains_ret ret = {
        .domains = { .domains_len = 2, .domains_val = doms }, .ret = 2 };
    remote_connect_list_all_domains_ret back;
    g_autoptr(GByteArray) pkt =
        test_packet((xdrproc_t)xdr_remote_connect_list_all_domains_ret, &ret);

    /* count, then per domain: name (4 + padded), uuid (16, no length), id */
    CHECK(pkt && pkt->len == 28 + 4 + (4 + 4 + 16 + 4) + (4 + 4 + 16 + 4) + 4,
          "a list of two domains has libvirt's size");
    if (!pkt)
        return;
    memset(&back, 0, sizeof(back));
    CHECK(rpc_packet_decode(pkt->data, pkt->len, (xdrproc_t)xdr_remote_connect_list_all_domains_ret,
                            &back) == 0,
          "the list decodes");
    CHECK(back.domains.domains_len == 2 && back.ret == 2 &&
              strcmp(back.domains.domains_val[0].name, "web") == 0 &&
              memcmp(back.domains.domains_val[1].uuid, "fedcba9876543210", 16) == 0 &&
              back.domains.domains_val[1].id == -1,
          "names, uuids and ids survive the round trip");
    xdr_free((xdrproc_t)xdr_remote_connect_list_all_domains_ret, &back);

    /* one byte short, then four bytes too many */
    memset(&back, 0, sizeof(back));
    CHECK(rpc_packet_decode(pkt->data, pkt->len - 1,
                            (xdrproc_t)xdr_remote_connect_list_all_domains_ret, &back) == -1,
          "a truncated body is refused");
    g_byte_array_append(pkt, (const guint8 *)"\0\0\0\1", 4);
    memset(&back, 0, sizeof(back));
    CHECK(rpc_packet_decode(pkt->data, pkt->len,
                            (xdrproc_t)xdr_remote_connect_list_all_domains_ret, &back) == -1,
          "a body with trailing bytes is refused");
    error_reset();
}

static void test_error_body(void)
{
    char *msg = (char *)"Domain not found: no domain with matching name 'web'";
    char *str1 = (char *)"web";
    remote_error err = { .code = 42, .domain = 12, .message = &msg, .level = 2, .str1 = &str1 };
    remote_error back;
    g_autoptr(GByteArray) pkt = test_packet((xdrproc_t)xdr_remote_error, &err);

    memset(&back, 0, sizeof(back));
    CHECK(pkt && rpc_packet_decode(pkt->data, pkt->len, (xdrproc_t)xdr_remote_error, &back) == 0 &&
              back.code == 42 && back.domain == 12 && back.level == 2 && back.message &&
              strcmp(*back.message, msg) == 0 && back.str1 && strcmp(*back.str1, "web") == 0 &&
              !back.str2 && !back.dom && !back.net,
          "an error body round-trips with its NULL fields");
    xdr_free((xdrproc_t)xdr_remote_error, &back);
}

static void test_info_structs(void)
{
    remote_node_get_info_ret node = { .memory = 8388608, .cpus = 16, .mhz = 1400, .nodes = 2,
                                      .sockets = 2, .cores = 2, .threads = 2 };
    remote_domain_get_info_ret info = { .state = 1, .maxMem = 8388608, .memory = 2097152,
                                        .nrVirtCpu = 2, .cpuTime = 1234567890123ULL };
    remote_node_get_info_ret node_back;
    remote_domain_get_info_ret info_back;
    g_autoptr(GByteArray) a = NULL;
    g_autoptr(GByteArray) b = NULL;

    strcpy(node.model, "i686");
    a = test_packet((xdrproc_t)xdr_remote_node_get_info_ret, &node);
    /* libvirt sends model as 32 XDR chars of 4 bytes each */
    CHECK(a && a->len == 28 + 32 * 4 + 8 + 6 * 4, "node info has libvirt's size (model: 32 x 4 bytes)");
    memset(&node_back, 0, sizeof(node_back));
    CHECK(a && rpc_packet_decode(a->data, a->len, (xdrproc_t)xdr_remote_node_get_info_ret,
                                 &node_back) == 0 &&
              strcmp(node_back.model, "i686") == 0 && node_back.memory == 8388608 &&
              node_back.threads == 2,
          "node info round-trips");
    b = test_packet((xdrproc_t)xdr_remote_domain_get_info_ret, &info);
    CHECK(b && b->len == 28 + 4 + 8 + 8 + 4 + 8, "domain info has libvirt's size");
    memset(&info_back, 0, sizeof(info_back));
    CHECK(b && rpc_packet_decode(b->data, b->len, (xdrproc_t)xdr_remote_domain_get_info_ret,
                                 &info_back) == 0 &&
              info_back.state == 1 && info_back.nrVirtCpu == 2 &&
              info_back.cpuTime == 1234567890123ULL,
          "domain info round-trips");
}

static void test_event_msg(void)
{
    remote_domain_event_callback_lifecycle_msg m = {
        .callbackID = 5,
        .msg = { .dom = { .name = (char *)"web", .uuid = "0123456789abcdef", .id = 1 },
                 .event = 2, .detail = 0 },
    };
    remote_domain_event_callback_lifecycle_msg back;
    g_autoptr(GByteArray) pkt =
        test_packet((xdrproc_t)xdr_remote_domain_event_callback_lifecycle_msg, &m);

    memset(&back, 0, sizeof(back));
    CHECK(pkt && rpc_packet_decode(pkt->data, pkt->len,
                                   (xdrproc_t)xdr_remote_domain_event_callback_lifecycle_msg,
                                   &back) == 0 &&
              back.callbackID == 5 && strcmp(back.msg.dom.name, "web") == 0 &&
              back.msg.event == 2,
          "a lifecycle event with its callback id round-trips");
    xdr_free((xdrproc_t)xdr_remote_domain_event_callback_lifecycle_msg, &back);
}

/* Hand-made bodies a hostile peer could send. */
static void test_garbage(void)
{
    static const uint8_t huge_string[] = { 0xff, 0xff, 0xff, 0xf0, 'a', 'b', 'c', 'd' };
    static const uint8_t long_list[] = { 0x00, 0x00, 0x40, 0x01, 0, 0, 0, 0 }; /* 16385 */
    static const uint8_t short_string[] = { 0, 0, 0, 100, 'a', 'b', 'c', 'd' };
    uint8_t buf[28 + 64];
    remote_domain_lookup_by_name_args name;
    remote_connect_list_all_domains_ret list;
    GRand *rand = g_rand_new_with_seed(4);
    int crashes_survived = 0;

    memset(buf, 0, sizeof(buf));
    memcpy(buf + 28, huge_string, sizeof(huge_string));
    memset(&name, 0, sizeof(name));
    CHECK(rpc_packet_decode(buf, 28 + sizeof(huge_string),
                            (xdrproc_t)xdr_remote_domain_lookup_by_name_args, &name) == -1,
          "a string longer than REMOTE_STRING_MAX is refused");
    memcpy(buf + 28, short_string, sizeof(short_string));
    memset(&name, 0, sizeof(name));
    CHECK(rpc_packet_decode(buf, 28 + sizeof(short_string),
                            (xdrproc_t)xdr_remote_domain_lookup_by_name_args, &name) == -1,
          "a string longer than its packet is refused");
    memcpy(buf + 28, long_list, sizeof(long_list));
    memset(&list, 0, sizeof(list));
    CHECK(rpc_packet_decode(buf, 28 + sizeof(long_list),
                            (xdrproc_t)xdr_remote_connect_list_all_domains_ret, &list) == -1,
          "a domain list over REMOTE_DOMAIN_LIST_MAX is refused");
    for (int i = 0; i < 2000; i++) {
        for (size_t j = 28; j < sizeof(buf); j++)
            buf[j] = (uint8_t)g_rand_int_range(rand, 0, 4) == 0 ? (uint8_t)g_rand_int(rand) : 0;
        memset(&list, 0, sizeof(list));
        if (rpc_packet_decode(buf, sizeof(buf), (xdrproc_t)xdr_remote_connect_list_all_domains_ret,
                              &list) == 0)
            xdr_free((xdrproc_t)xdr_remote_connect_list_all_domains_ret, &list);
        crashes_survived++;
    }
    CHECK(crashes_survived == 2000, "2000 random bodies decode or fail cleanly");
    g_rand_free(rand);
    error_reset();
}

/* A string over RPC_MAX_STRING that is really there is told apart from
 * a malformed body: the error names the limit (the daemon counts it). */
static void test_decode_string_limit(void)
{
    size_t over = RPC_MAX_STRING + 1024 * 1024;
    g_autofree uint8_t *buf = g_malloc0(28 + 4 + over);
    remote_domain_lookup_by_name_args name;

    buf[28] = (uint8_t)(over >> 24);
    buf[29] = (uint8_t)(over >> 16);
    buf[30] = (uint8_t)(over >> 8);
    buf[31] = (uint8_t)over;
    memset(buf + 32, 'x', over);
    memset(&name, 0, sizeof(name));
    error_reset();
    CHECK(rpc_packet_decode(buf, 28 + 4 + over, (xdrproc_t)xdr_remote_domain_lookup_by_name_args,
                            &name) == RPC_DECODE_STRING_LIMIT &&
              error_last() && error_last()->code == VIREO_ERR_RPC &&
              strstr(error_last()->message, "4194304") && strstr(error_last()->message, "5242880"),
          "a 5 MiB string is refused naming the 4 MiB limit");
    memset(&name, 0, sizeof(name));
    CHECK(rpc_packet_decode(buf, 28 + 4 + over / 2, (xdrproc_t)xdr_remote_domain_lookup_by_name_args,
                            &name) == -1,
          "a 5 MiB length with fewer bytes behind it is only malformed");
    buf[29] = buf[30] = buf[31] = 0;
    buf[28] = 0x00;
    buf[29] = 0x40;     /* exactly RPC_MAX_STRING */
    memset(&name, 0, sizeof(name));
    CHECK(rpc_packet_decode(buf, 28 + 4 + RPC_MAX_STRING,
                            (xdrproc_t)xdr_remote_domain_lookup_by_name_args, &name) == 0 &&
              strlen(name.name) == RPC_MAX_STRING,
          "a string of exactly 4 MiB decodes");
    xdr_free((xdrproc_t)xdr_remote_domain_lookup_by_name_args, &name);
    error_reset();
}

/* The encoder refuses what a peer would refuse. */
static void test_encode_limits(void)
{
    size_t big = RPC_MAX_STRING;
    g_autofree char *s = g_malloc(big + 2);
    char *names[9];
    remote_connect_list_defined_domains_ret list = { .names = { .names_len = 9,
                                                                .names_val = names } };
    remote_domain_lookup_by_name_args one = { .name = s };
    GByteArray *pkt;

    memset(s, 'x', big + 1);
    s[big + 1] = '\0';
    pkt = rpc_packet_new(&test_hdr);
    CHECK(rpc_packet_encode(pkt, (xdrproc_t)xdr_remote_domain_lookup_by_name_args, &one) == -1 &&
              error_last() && error_last()->code == VIREO_ERR_RPC,
          "a string over 4 MiB does not encode (VIR_ERR_RPC)");
    CHECK(pkt->len == 28, "a failed encode leaves the packet as it was");
    g_byte_array_unref(pkt);

    s[big] = '\0';
    for (size_t i = 0; i < G_N_ELEMENTS(names); i++)
        names[i] = s; /* nine strings of 4 MiB: 36 MiB */
    pkt = rpc_packet_new(&test_hdr);
    error_reset();
    CHECK(rpc_packet_encode(pkt, (xdrproc_t)xdr_remote_connect_list_defined_domains_ret, &list) ==
                  -1 &&
              error_last() && error_last()->code == VIREO_ERR_RPC,
          "a body that would pass 32 MiB does not encode");
    g_byte_array_unref(pkt);

    list.names.names_len = 7; /* 28 MiB fits */
    pkt = rpc_packet_new(&test_hdr);
    CHECK(rpc_packet_encode(pkt, (xdrproc_t)xdr_remote_connect_list_defined_domains_ret, &list) ==
                  0 &&
              pkt->len == 28 + 4 + 7 * (4 + big),
          "a body of 28 MiB encodes");
    g_byte_array_unref(pkt);
    error_reset();
}

int main(void)
{
    test_framing();
    test_open_bytes();
    test_domain_list();
    test_error_body();
    test_decode_string_limit();
    test_info_structs();
    test_event_msg();
    test_garbage();
    test_encode_limits();
    return check_exit();
}
