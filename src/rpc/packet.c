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

/* What the decoder read last, to tell a string over its limit from a
 * body that is merely malformed: xdr_string and xdr_bytes read the
 * length word, then fail at once on one over their maximum. */
typedef struct rpc_decode_spy {
    bool_t (*getlong)(XDR *xdrs, long *lp);     /* xdrmem's */
    bool_t (*getbytes)(XDR *xdrs, char *addr, u_int len);
    uint32_t last;      /* the last word read */
    bool short_read;    /* a read ran past the end of the body */
} rpc_decode_spy;

static bool_t rpc_spy_getlong(XDR *xdrs, long *lp)
{
    rpc_decode_spy *spy = (rpc_decode_spy *)xdrs->x_public;
    bool_t ok = spy->getlong(xdrs, lp);

    if (ok)
        spy->last = (uint32_t)*lp;
    else
        spy->short_read = true;
    return ok;
}

static bool_t rpc_spy_getbytes(XDR *xdrs, char *addr, u_int len)
{
    rpc_decode_spy *spy = (rpc_decode_spy *)xdrs->x_public;
    bool_t ok = spy->getbytes(xdrs, addr, len);

    if (!ok)
        spy->short_read = true;
    return ok;
}

/* After a failed decode: the length of the string that passed
 * RPC_MAX_STRING, or 0 when that was not the cause.  The length must
 * fit in what is left of the body, so a garbage word is not taken for
 * one. */
static uint32_t rpc_spy_long_string(const rpc_decode_spy *spy, size_t left)
{
    if (spy->short_read || spy->last <= RPC_MAX_STRING || spy->last > left)
        return 0;
    return spy->last;
}

int rpc_packet_decode(const uint8_t *buf, size_t len, xdrproc_t filter, void *data)
{
    size_t start = RPC_LEN_SIZE + RPC_HEADER_SIZE;
    rpc_decode_spy spy = { 0 };
    struct xdr_ops ops;
    uint32_t too_long;
    XDR xdr;
    bool ok;
    bool whole;

    if (len < start || len > RPC_MAX_PACKET) {
        error_report(VIREO_FROM_RPC, VIREO_ERR_RPC, "packet of %zu bytes is not a message", len);
        return -1;
    }
    xdrmem_create(&xdr, (char *)(buf + start), (u_int)(len - start), XDR_DECODE);
    ops = *xdr.x_ops;
    spy.getlong = ops.x_getlong;
    spy.getbytes = ops.x_getbytes;
    ops.x_getlong = rpc_spy_getlong;
    ops.x_getbytes = rpc_spy_getbytes;
    xdr.x_ops = &ops;
    xdr.x_public = (char *)&spy;
    ok = filter(&xdr, data);
    whole = ok && xdr_getpos(&xdr) == len - start;
    too_long = ok ? 0 : rpc_spy_long_string(&spy, len - start - xdr_getpos(&xdr));
    xdr_destroy(&xdr);
    if (too_long) {
        xdr_free(filter, data);
        error_report(VIREO_FROM_RPC, VIREO_ERR_RPC,
                     "Unable to decode message payload: a string of %u bytes passes the "
                     "limit of %u bytes (4 MiB)", too_long, RPC_MAX_STRING);
        return RPC_DECODE_STRING_LIMIT;
    }
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
