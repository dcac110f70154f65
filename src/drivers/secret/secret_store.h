/*
 * secret_store.h: the node's secrets, kept by vireod (see node.h).
 *
 * The public face is secret_node_driver (secret_driver.h); this header is
 * for vireod's own users of a secret's value: a LUKS volume's key, an
 * iSCSI CHAP password.  Those get private values too.
 */
#ifndef VIREO_DRIVERS_SECRET_STORE_H
#define VIREO_DRIVERS_SECRET_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "drivers/node.h"
#include "vireo/vireo.h"

typedef struct secret_store secret_store;

/* Load node->config_base/secrets (made 0700 when missing, with its
 * master key).  NULL with the error set. */
secret_store *secret_store_open(node_state *node);
void secret_store_close(secret_store *store);

/* The value of secret uuid (private or not): a new buffer freed with
 * secret_value_free (util/secret_crypt.h), its length in *len.  -1 with
 * NO_SECRET naming the UUID, or when it has no value yet. */
int secret_store_get_value(node_state *node, const unsigned char uuid[VIREO_UUID_BUFLEN],
                           uint8_t **value, size_t *len);
/* The UUID of the secret with this usage (VIREO_SECRET_USAGE_TYPE_*, id). */
int secret_store_lookup_usage(node_state *node, int usage_type, const char *usage_id,
                              unsigned char uuid[VIREO_UUID_BUFLEN]);

#endif
