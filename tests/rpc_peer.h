/*
 * rpc_peer.h: the C tests that play one end of a socketpair with
 * hand-built RPC packets (stream_link.c, remote_stream.c) read them the
 * same way.
 */
#ifndef VIREO_TESTS_RPC_PEER_H
#define VIREO_TESTS_RPC_PEER_H

#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>

#include "rpc/packet.h"

/* len bytes from fd, waiting through EINTR and EAGAIN; false at end of
 * file or on an error. */
static inline bool rpc_peer_read_all(int fd, void *buf, size_t len)
{
    uint8_t *p = buf;

    while (len) {
        ssize_t n = read(fd, p, len);

        if (n < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (n <= 0)
            return false;
        p += n;
        len -= (size_t)n;
    }
    return true;
}

/* One whole packet (caller frees) and its header in *hdr; NULL at end of
 * file or for a bad length or header. */
static inline GByteArray *rpc_peer_recv(int fd, rpc_header *hdr)
{
    uint8_t lenbuf[RPC_LEN_SIZE];
    uint32_t len;
    GByteArray *pkt;

    if (!rpc_peer_read_all(fd, lenbuf, sizeof(lenbuf)) || !(len = rpc_packet_length(lenbuf)))
        return NULL;
    pkt = g_byte_array_sized_new(len);
    g_byte_array_set_size(pkt, len);
    memcpy(pkt->data, lenbuf, RPC_LEN_SIZE);
    if (!rpc_peer_read_all(fd, pkt->data + RPC_LEN_SIZE, len - RPC_LEN_SIZE) ||
        rpc_header_decode(pkt->data, len, hdr) < 0) {
        g_byte_array_unref(pkt);
        return NULL;
    }
    return pkt;
}

#endif
