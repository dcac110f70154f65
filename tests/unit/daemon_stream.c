/* daemon_stream.c: stream framing as libvirt does it, and the error body. */
#include <string.h>

#include "check.h"
#include "daemon/daemon_priv.h"
#include "daemon/stream.h"
#include "rpc/remote_protocol.h"
#include "util/error.h"

static const rpc_header call = {
    .prog = RPC_REMOTE_PROGRAM, .vers = 1, .proc = 209, .type = RPC_CALL, .serial = 77,
    .status = RPC_OK,
};

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void test_data(void)
{
    static const char bytes[] = "raw\0bytes";
    g_autoptr(GByteArray) pkt = stream_packet_data(&call, bytes, sizeof(bytes));
    rpc_header h;
    stream_input in;

    CHECK(pkt->len == 28 + sizeof(bytes), "data packet: header + raw bytes, no XDR padding");
    CHECK(be32(pkt->data) == pkt->len, "the length word counts the whole packet");
    CHECK(be32(pkt->data + 4) == RPC_REMOTE_PROGRAM && be32(pkt->data + 12) == 209 &&
          be32(pkt->data + 16) == RPC_STREAM && be32(pkt->data + 20) == 77 &&
          be32(pkt->data + 24) == RPC_CONTINUE,
          "program, procedure and serial of the call; type STREAM, status CONTINUE");
    CHECK(stream_packet_parse(pkt->data, pkt->len, &h, &in) == 0, "data packet parses");
    CHECK(in.len == sizeof(bytes) && memcmp(in.data, bytes, in.len) == 0, "bytes come back");
}

static void test_end_and_hole(void)
{
    g_autoptr(GByteArray) end = stream_packet_end(&call);
    g_autoptr(GByteArray) hole = stream_packet_hole(&call, 1LL << 40, 3);
    rpc_header h;
    stream_input in;

    CHECK(end->len == 28 && be32(end->data + 24) == RPC_OK, "end: status OK, empty body");
    CHECK(stream_packet_parse(end->data, end->len, &h, &in) == 0 && in.status == RPC_OK,
          "end parses");
    CHECK(hole->len == 28 + 12 && be32(hole->data + 16) == RPC_STREAM_HOLE,
          "hole: type STREAM_HOLE, hyper length + flags");
    CHECK(stream_packet_parse(hole->data, hole->len, &h, &in) == 0 &&
          in.hole_length == (1LL << 40) && in.hole_flags == 3, "hole parses back");
    /* an end packet with a body is malformed */
    g_byte_array_append(end, (const guint8 *)"xxxx", 4);
    end->data[3] = 32;
    CHECK(stream_packet_parse(end->data, end->len, &h, &in) < 0, "end with a body is refused");
    hole->data[3] = 32;
    g_byte_array_set_size(hole, 32);
    CHECK(stream_packet_parse(hole->data, hole->len, &h, &in) < 0, "a short hole is refused");
}

static void test_error(void)
{
    vireo_error err = {
        .code = VIREO_ERR_NO_DOMAIN, .domain = VIREO_FROM_DOMAIN,
        .level = VIREO_ERR_LEVEL_ERROR, .message = (char *)"Domain not found: web",
        .str1 = (char *)"Domain not found", .int1 = 4,
    };
    g_autoptr(GByteArray) pkt = stream_packet_error(&call, &err);
    remote_error got;
    rpc_header h;
    stream_input in;

    memset(&got, 0, sizeof(got));
    CHECK(be32(pkt->data + 16) == RPC_STREAM && be32(pkt->data + 24) == RPC_ERROR,
          "error: type STREAM, status ERROR");
    CHECK(stream_packet_parse(pkt->data, pkt->len, &h, &in) == 0, "error packet parses");
    CHECK(rpc_packet_decode(pkt->data, pkt->len, (xdrproc_t)xdr_remote_error, &got) == 0,
          "the body decodes as the protocol's remote_error");
    CHECK(got.code == VIREO_ERR_NO_DOMAIN && got.domain == VIREO_FROM_DOMAIN &&
          got.level == VIREO_ERR_LEVEL_ERROR && got.int1 == 4 && got.int2 == 0,
          "code, domain, level and ints survive");
    CHECK(got.message && g_str_equal(*got.message, "Domain not found: web") && got.str1 &&
          g_str_equal(*got.str1, "Domain not found") && !got.str2 && !got.str3 && !got.dom,
          "message and strings survive; absent ones stay absent");
    xdr_free((xdrproc_t)xdr_remote_error, &got);

    g_autoptr(GByteArray) reply = wire_error_reply(&call, NULL);
    CHECK(be32(reply->data + 16) == RPC_REPLY && be32(reply->data + 20) == 77 &&
          be32(reply->data + 24) == RPC_ERROR, "an error reply keeps the call's serial");
}

static void test_api_names(void)
{
    g_autofree char *a = dispatch_api_name("DOMAIN_GET_XML_DESC");
    g_autofree char *b = dispatch_api_name("CONNECT_LIST_ALL_DOMAINS");
    g_autofree char *c = dispatch_api_name("DOMAIN_LOOKUP_BY_UUID");

    CHECK(g_str_equal(a, "virDomainGetXMLDesc"), "API name %s", a);
    CHECK(g_str_equal(b, "virConnectListAllDomains"), "API name %s", b);
    CHECK(g_str_equal(c, "virDomainLookupByUUID"), "API name %s", c);
}

int main(void)
{
    test_data();
    test_end_and_hole();
    test_error();
    test_api_names();
    return check_exit();
}
