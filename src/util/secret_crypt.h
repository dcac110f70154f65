/*
 * secret_crypt.h: secret values encrypted at rest (AES-256-GCM, GnuTLS).
 *
 * One 32-byte master key per daemon root, kept in a file of mode 0600
 * (the secret driver's suggestion: ROOT/etc/libvirt/secrets/master.key),
 * created from gnutls_rnd on first use.  Each value is stored as a blob:
 *
 *   byte 0        format version (SECRET_CRYPT_VERSION)
 *   bytes 1..12   nonce, random for every encryption
 *   then          ciphertext, as long as the value
 *   last 16       GCM tag
 *
 * The tag covers the version byte and the caller's "context" (the
 * secret's UUID), so a blob copied onto another secret, cut short or
 * changed in any byte fails to decrypt instead of giving a wrong value.
 */
#ifndef VIREO_UTIL_SECRET_CRYPT_H
#define VIREO_UTIL_SECRET_CRYPT_H

#include <glib.h>
#include <stddef.h>
#include <stdint.h>

#define SECRET_KEY_LEN 32
#define SECRET_CRYPT_VERSION 1
#define SECRET_NONCE_LEN 12
#define SECRET_TAG_LEN 16
/* bytes a blob adds to the value */
#define SECRET_CRYPT_OVERHEAD (1 + SECRET_NONCE_LEN + SECRET_TAG_LEN)

/* The master key in memory; wiped when freed. */
typedef struct secret_key {
    unsigned char bytes[SECRET_KEY_LEN];
} secret_key;

void secret_key_free(secret_key *key);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(secret_key, secret_key_free)

/* Read the master key at path, or create it there (mode 0600, in a
 * folder made 0700 when missing) when no file exists.  A file of the
 * wrong size, or readable by group or others, is refused: an error, not
 * a new key, since a new key would lose every stored value.  Call once
 * per root (the daemon holds the root's lock; two callers creating the
 * file at the same instant would each keep their own key).  Caller frees;
 * NULL with the error set (err_domain). */
secret_key *secret_key_load(const char *path, int err_domain);

/* A key from 32 given bytes (tests, key rotation). */
secret_key *secret_key_new(const unsigned char bytes[SECRET_KEY_LEN]);

/* Encrypt len bytes of value (len may be 0) into a blob of
 * len + SECRET_CRYPT_OVERHEAD bytes, bound to context (NUL-terminated,
 * may be NULL, e.g. the secret's UUID string).  Caller g_free()s the
 * blob; NULL with the error set. */
uint8_t *secret_encrypt(const secret_key *key, const char *context, const uint8_t *value,
                        size_t len, size_t *blob_len, int err_domain);

/* The value of a blob written by secret_encrypt with the same key and
 * context.  A blob that is truncated, changed, of another version, or
 * encrypted with another key or context fails with
 * VIREO_ERR_INTERNAL_ERROR naming what (e.g. the value file's path).
 * The value is NUL-terminated one byte past *len for callers that want
 * text; caller frees it with secret_value_free. */
uint8_t *secret_decrypt(const secret_key *key, const char *context, const uint8_t *blob,
                        size_t blob_len, size_t *len, const char *what, int err_domain);

/* Wipe len bytes of value and free it (NULL is fine). */
void secret_value_free(uint8_t *value, size_t len);

#endif
