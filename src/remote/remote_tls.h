/*
 * remote_tls.h: qemu+tls:// on the client side (remote_tls.c).
 */
#ifndef VIREO_REMOTE_REMOTE_TLS_H
#define VIREO_REMOTE_REMOTE_TLS_H

#include "rpc/transport.h"
#include "util/uri.h"

/* TLS over fd (connected to uri's host; taken, closed on failure too):
 * the client files from the URI's pkipath= (else libvirt's defaults:
 * /etc/pki for root, ~/.pki/libvirt for others), the server certificate
 * checked against the CA and uri->host unless no_verify=1, the
 * handshake done and the server's confirmation read.  The transport, or
 * NULL with libvirt's error ("Unable to read TLS confirmation: ..." when
 * the server refused our certificate). */
rpc_transport *remote_tls_open(const vireo_uri *uri, int fd);

#endif
