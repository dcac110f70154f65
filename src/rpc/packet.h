/*
 * packet.h: libvirt's RPC v1 framing.
 *
 * A packet is a 4-byte big-endian length (counting the whole packet, the
 * length word included), a 24-byte header of six XDR words, then the XDR
 * body.  Both ends (vireod and the remote driver) frame through these
 * functions only.
 */
#ifndef VIREO_RPC_PACKET_H
#define VIREO_RPC_PACKET_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <rpc/rpc.h>

#define RPC_REMOTE_PROGRAM 0x20008086u
#define RPC_QEMU_PROGRAM 0x20008087u
#define RPC_KEEPALIVE_PROGRAM 0x6b656570u
#define RPC_ADMIN_PROGRAM 0x06900690u
#define RPC_PROTOCOL_VERSION 1u

#define RPC_KEEPALIVE_PING 1
#define RPC_KEEPALIVE_PONG 2

#define RPC_LEN_SIZE 4
#define RPC_HEADER_SIZE 24
#define RPC_MAX_PACKET (32u * 1024 * 1024)   /* whole packet, length word included */
#define RPC_MAX_STRING (4u * 1024 * 1024)
#define RPC_MAX_FDS 32

typedef enum {
    RPC_CALL = 0,
    RPC_REPLY = 1,
    RPC_MESSAGE = 2,        /* event, serial 0 */
    RPC_STREAM = 3,
    RPC_CALL_WITH_FDS = 4,
    RPC_REPLY_WITH_FDS = 5,
    RPC_STREAM_HOLE = 6,
} rpc_type;

typedef enum {
    RPC_OK = 0,
    RPC_ERROR = 1,          /* body is a remote_error */
    RPC_CONTINUE = 2,       /* stream data follows */
} rpc_status;

typedef struct rpc_header {
    uint32_t prog;
    uint32_t vers;
    int32_t proc;
    int32_t type;           /* rpc_type */
    uint32_t serial;
    int32_t status;         /* rpc_status */
} rpc_header;

/* Read the length word at buf (4 bytes).  Returns the packet length, or 0
 * when it is under RPC_LEN_SIZE + RPC_HEADER_SIZE or over RPC_MAX_PACKET
 * (the peer is then dropped: framing is lost). */
uint32_t rpc_packet_length(const uint8_t buf[RPC_LEN_SIZE]);

/* Decode the header of a whole packet (len bytes at buf, length word
 * included).  0, or -1 when too short. */
int rpc_header_decode(const uint8_t *buf, size_t len, rpc_header *hdr);

/* A packet under construction: GByteArray with room for the length word
 * and header, filled by rpc_packet_finish.  Body encoders append. */
GByteArray *rpc_packet_new(const rpc_header *hdr);
/* Append filter(data) as XDR.  0, or -1 (with an error) when it does not
 * encode or the packet would pass RPC_MAX_PACKET. */
int rpc_packet_encode(GByteArray *pkt, xdrproc_t filter, void *data);
/* Write the length word and header; the packet is ready to send. */
void rpc_packet_finish(GByteArray *pkt, const rpc_header *hdr);

/* Decode the body of a whole packet into data (zeroed by the caller; free
 * with xdr_free(filter, data)).  0, or -1 when the body is malformed or
 * has bytes left over, or RPC_DECODE_STRING_LIMIT when it failed on a
 * string (or byte array) longer than RPC_MAX_STRING; the error says which. */
#define RPC_DECODE_STRING_LIMIT (-2)
int rpc_packet_decode(const uint8_t *buf, size_t len, xdrproc_t filter, void *data);

/* An XDR filter for "no body", with the signature xdrproc_t expects
 * (tirpc's xdr_void takes no arguments, and casting it trips
 * -Wcast-function-type).  Encodes and decodes nothing. */
bool_t rpc_xdr_void(XDR *xdrs, void *data);
#define RPC_XDR_VOID ((xdrproc_t)rpc_xdr_void)


#endif
