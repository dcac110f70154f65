/*
 * remote_auth.h: the client's side of authentication (issue 10): SASL
 * with Cyrus (remote_sasl.c) and the credentials it uses, from libvirt's
 * auth file (remote_auth_file.c) or a prompt on the terminal.
 */
#ifndef VIREO_REMOTE_AUTH_H
#define VIREO_REMOTE_AUTH_H

#include <stdbool.h>

#include "drivers/driver.h"
#include "util/uri.h"

/* The credentials libvirt's auth file gives host (the URI's server,
 * "localhost" when none): $LIBVIRT_AUTH_FILE, else the URI's ?authfile=,
 * else $XDG_CONFIG_HOME/libvirt/auth.conf, else /etc/libvirt/auth.conf;
 * the section [auth-libvirt-HOST] (or [auth-libvirt-default]) names
 * credentials=NAME, whose [credentials-NAME] holds authname (or
 * username) and password.  1 found (*authname, *password: caller frees;
 * either may be NULL when absent), 0 no file or no entry for host, -1
 * with the error set when the file cannot be read or parsed. */
int remote_auth_file_lookup(const vireo_uri *uri, const char *host, char **authname,
                            char **password);

/* Run the SASL exchange on conn (AUTH_SASL_INIT, START, STEP) for uri
 * over transport ("unix", "tcp", "tls", "ssh").  On success with a
 * security layer over plain TCP, the layer is put on the connection
 * (remote_client_set_sasl); *sess gets the session, which must outlive
 * the connection's client (caller frees after remote_client_free).
 * 0, or -1 with the error set (AUTH_FAILED). */
struct sasl_session;
int remote_sasl_authenticate(vireo_conn *conn, const vireo_uri *uri, const char *transport,
                             struct sasl_session **sess);

#endif
