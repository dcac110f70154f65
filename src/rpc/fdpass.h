/*
 * fdpass.h: file descriptors over a unix socket, libvirt's way.
 *
 * A REPLY_WITH_FDS packet (type 5) carries, between its 24-byte header
 * and its body, an XDR unsigned int: how many descriptors follow the
 * packet.  Each then travels alone: one sendmsg of one byte (0) with one
 * SCM_RIGHTS descriptor, as libvirt's virNetSocketSendFD/RecvFD do, so
 * the byte stream and the descriptors stay in step.  Unix sockets only.
 */
#ifndef VIREO_RPC_FDPASS_H
#define VIREO_RPC_FDPASS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Send fd over sock (non-blocking).  1 sent, 0 when it would block, -1
 * with errno. */
int rpc_fd_send(int sock, int fd);
/* Receive one descriptor (close-on-exec) into *fd.  1 received, 0 when
 * nothing is there yet, -1 with errno (EBADMSG: a byte came without a
 * descriptor; ECONNRESET: end of file). */
int rpc_fd_recv(int sock, int *fd);
/* Whether descriptors can travel over sock: a unix stream socket. */
bool rpc_fd_socket_ok(int sock);

/* The descriptor count of a REPLY_WITH_FDS packet (whole packet, len
 * bytes, length word included): its first body word.  -1 when the
 * packet is too short or the count passes RPC_MAX_FDS. */
int rpc_packet_nfds(const uint8_t *pkt, size_t len);

#endif
