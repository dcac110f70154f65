/*
 * packet.c: libvirt's RPC v1 framing (see packet.h).
 *
 * Everything here distrusts its input: a length word outside 28 bytes ..
 * 32 MiB means the stream is lost, a body must decode to exactly its
 * own length, and an encoder never builds a packet a peer would refuse.
 */
#include <string.h>

#include "rpc/packet.h"
#include "util/error.h"

static uint32_t rpc_get_be32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static void rpc_put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

bool_t rpc_xdr_void(XDR *xdrs G_GNUC_UNUSED, void *data G_GNUC_UNUSED)
{
    return TRUE;
}

uint32_t rpc_packet_length(const uint8_t buf[RPC_LEN_SIZE])
{
    uint32_t len = rpc_get_be32(buf);

    if (len < RPC_LEN_SIZE + RPC_HEADER_SIZE || len > RPC_MAX_PACKET)
        return 0;
    return len;
}

int rpc_header_decode(const uint8_t *buf, size_t len, rpc_header *hdr)
{
    const uint8_t *h = buf + RPC_LEN_SIZE;

    if (len < RPC_LEN_SIZE + RPC_HEADER_SIZE)
        return -1;
    hdr->prog = rpc_get_be32(h);
    hdr->vers = rpc_get_be32(h + 4);
    hdr->proc = (int32_t)rpc_get_be32(h + 8);
    hdr->type = (int32_t)rpc_get_be32(h + 12);
    hdr->serial = rpc_get_be32(h + 16);
    hdr->status = (int32_t)rpc_get_be32(h + 20);
    return 0;
}

GByteArray *rpc_packet_new(const rpc_header *hdr)
{
    GByteArray *pkt = g_byte_array_sized_new(256);

    g_byte_array_set_size(pkt, RPC_LEN_SIZE + RPC_HEADER_SIZE);
    rpc_packet_finish(pkt, hdr);
    return pkt;
}

/* Run filter over data into len bytes at buf; true when it used all. */
static bool rpc_encode_into(uint8_t *buf, size_t len, xdrproc_t filter, void *data)
{
    XDR xdr;
    bool ok;

    xdrmem_create(&xdr, (char *)buf, (u_int)len, XDR_ENCODE);
    ok = filter(&xdr, data) && xdr_getpos(&xdr) == len;
    xdr_destroy(&xdr);
    return ok;
}

int rpc_packet_encode(GByteArray *pkt, xdrproc_t filter, void *data)
{
    unsigned long size = xdr_sizeof(filter, data);
    guint start = pkt->len;

    if (size > RPC_MAX_PACKET || start + size > RPC_MAX_PACKET) {
        error_report(VIREO_FROM_RPC, VIREO_ERR_RPC,
                     "message of %lu bytes would pass the %u byte packet limit", size,
                     RPC_MAX_PACKET);
        return -1;
    }
    /* xdr_sizeof answers 0 both for an empty body and for a filter that
     * failed: encoding into no room tells them apart. */
    g_byte_array_set_size(pkt, start + (guint)size);
    if (!rpc_encode_into(pkt->data + start, size, filter, data)) {
        g_byte_array_set_size(pkt, start);
        error_report(VIREO_FROM_RPC, VIREO_ERR_RPC, "unable to encode message body");
        return -1;
    }
    return 0;
}

void rpc_packet_finish(GByteArray *pkt, const rpc_header *hdr)
{
    uint8_t *p = pkt->data;

    rpc_put_be32(p, pkt->len);
    rpc_put_be32(p + 4, hdr->prog);
    rpc_put_be32(p + 8, hdr->vers);
    rpc_put_be32(p + 12, (uint32_t)hdr->proc);
    rpc_put_be32(p + 16, (uint32_t)hdr->type);
    rpc_put_be32(p + 20, hdr->serial);
    rpc_put_be32(p + 24, (uint32_t)hdr->status);
}

int rpc_packet_decode(const uint8_t *buf, size_t len, xdrproc_t filter, void *data)
{
    size_t start = RPC_LEN_SIZE + RPC_HEADER_SIZE;
    XDR xdr;
    bool ok;
    bool whole;

    if (len < start || len > RPC_MAX_PACKET) {
        error_report(VIREO_FROM_RPC, VIREO_ERR_RPC, "packet of %zu bytes is not a message", len);
        return -1;
    }
    xdrmem_create(&xdr, (char *)(buf + start), (u_int)(len - start), XDR_DECODE);
    ok = filter(&xdr, data);
    whole = ok && xdr_getpos(&xdr) == len - start;
    xdr_destroy(&xdr);
    if (!ok) {
        xdr_free(filter, data);
        error_report(VIREO_FROM_RPC, VIREO_ERR_RPC, "unable to decode message body");
        return -1;
    }
    if (!whole) {
        xdr_free(filter, data);
        error_report(VIREO_FROM_RPC, VIREO_ERR_RPC,
                     "message body has bytes left over after decoding");
        return -1;
    }
    return 0;
}
