/*
 * wire.c: reply headers and the remote_error body.
 *
 * remote_error is encoded here with XDR primitives rather than the
 * generated filter so that the daemon can answer errors (unknown program,
 * bad length, no support) with or without the procedure tables.  Its
 * layout is libvirt's: code, domain, message (optional string), level,
 * dom (optional domain: always absent), str1-3 (optional strings), int1,
 * int2, net (optional network: always absent).
 */
#include "daemon/daemon_priv.h"
#include "util/error.h"

static bool_t wire_opt_string(XDR *xdrs, char **s)
{
    bool_t present = *s != NULL;

    if (!xdr_bool(xdrs, &present))
        return FALSE;
    return !present || xdr_string(xdrs, s, RPC_MAX_STRING);
}

static bool_t wire_xdr_error(XDR *xdrs, vireo_error *err)
{
    bool_t absent = FALSE;

    return xdr_int(xdrs, &err->code) && xdr_int(xdrs, &err->domain) &&
           wire_opt_string(xdrs, &err->message) && xdr_int(xdrs, &err->level) &&
           xdr_bool(xdrs, &absent) &&
           wire_opt_string(xdrs, &err->str1) && wire_opt_string(xdrs, &err->str2) &&
           wire_opt_string(xdrs, &err->str3) && xdr_int(xdrs, &err->int1) &&
           xdr_int(xdrs, &err->int2) && xdr_bool(xdrs, &absent);
}

int wire_encode_error(GByteArray *pkt, const vireo_error *err)
{
    vireo_error copy = {
        .code = VIREO_ERR_INTERNAL_ERROR,
        .domain = VIREO_FROM_RPC,
        .level = VIREO_ERR_LEVEL_ERROR,
        .message = (char *)"internal error: Library function returned error but did not set virError",
    };

    if (err)
        copy = *err;
    /* xdr_string wants char **; encoding does not write through it */
    return rpc_packet_encode(pkt, (xdrproc_t)wire_xdr_error, &copy);
}

rpc_header wire_reply_header(const rpc_header *call, int status)
{
    rpc_header h = *call;

    h.type = RPC_REPLY;
    h.status = status;
    return h;
}

GByteArray *wire_error_packet(const rpc_header *h, const vireo_error *err)
{
    GByteArray *pkt = rpc_packet_new(h);

    if (wire_encode_error(pkt, err) < 0) {
        /* only an absurdly long message gets here: send a short one */
        g_byte_array_set_size(pkt, RPC_LEN_SIZE + RPC_HEADER_SIZE);
        wire_encode_error(pkt, NULL);
    }
    rpc_packet_finish(pkt, h);
    return pkt;
}

GByteArray *wire_error_reply(const rpc_header *call, const vireo_error *err)
{
    rpc_header h = wire_reply_header(call, RPC_ERROR);

    return wire_error_packet(&h, err);
}
