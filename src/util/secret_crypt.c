/*
 * secret_crypt.c: secret values encrypted at rest (see secret_crypt.h
 * for the blob layout).
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>

#include "util/error.h"
#include "util/file.h"
#include "util/secret_crypt.h"

void secret_key_free(secret_key *key)
{
    if (!key)
        return;
    gnutls_memset(key->bytes, 0, sizeof(key->bytes));
    g_free(key);
}

secret_key *secret_key_new(const unsigned char bytes[SECRET_KEY_LEN])
{
    secret_key *key = g_new0(secret_key, 1);

    memcpy(key->bytes, bytes, SECRET_KEY_LEN);
    return key;
}

void secret_value_free(uint8_t *value, size_t len)
{
    if (!value)
        return;
    gnutls_memset(value, 0, len);
    g_free(value);
}

static secret_key *key_create(const char *path, int err_domain)
{
    g_autoptr(secret_key) key = g_new0(secret_key, 1);
    g_autofree char *dir = g_path_get_dirname(path);
    int rc;

    if (g_mkdir_with_parents(dir, 0700) < 0) {
        error_report_system(err_domain, errno, "cannot create the folder of master key '%s'",
                            path);
        return NULL;
    }
    rc = gnutls_rnd(GNUTLS_RND_KEY, key->bytes, sizeof(key->bytes));
    if (rc < 0) {
        error_report(err_domain, VIREO_ERR_INTERNAL_ERROR,
                     "cannot generate master key '%s': %s", path, gnutls_strerror(rc));
        return NULL;
    }
    if (file_write_atomic(path, (const char *)key->bytes, sizeof(key->bytes), 0600,
                          err_domain) < 0)
        return NULL;
    return g_steal_pointer(&key);
}

/* Read exactly the key from an open file, checking what fstat says. */
static secret_key *key_read(int fd, const char *path, int err_domain)
{
    g_autoptr(secret_key) key = g_new0(secret_key, 1);
    size_t got = 0;
    struct stat st;

    if (fstat(fd, &st) < 0) {
        error_report_system(err_domain, errno, "cannot stat master key '%s'", path);
        return NULL;
    }
    if (!S_ISREG(st.st_mode) || st.st_size != SECRET_KEY_LEN) {
        error_report(err_domain, VIREO_ERR_INTERNAL_ERROR,
                     "master key '%s' is not a file of %d bytes (%lld bytes)", path,
                     SECRET_KEY_LEN, (long long)st.st_size);
        return NULL;
    }
    if (st.st_mode & 077) {
        error_report(err_domain, VIREO_ERR_OPERATION_DENIED,
                     "master key '%s' is readable by others (mode %04o, expected 0600)", path,
                     (unsigned int)(st.st_mode & 07777));
        return NULL;
    }
    while (got < SECRET_KEY_LEN) {
        ssize_t n = read(fd, key->bytes + got, SECRET_KEY_LEN - got);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            error_report_system(err_domain, n < 0 ? errno : EIO,
                                "cannot read master key '%s'", path);
            return NULL;
        }
        got += (size_t)n;
    }
    return g_steal_pointer(&key);
}

secret_key *secret_key_load(const char *path, int err_domain)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    secret_key *key;

    if (fd < 0 && errno == ENOENT)
        return key_create(path, err_domain);
    if (fd < 0) {
        error_report_system(err_domain, errno, "cannot open master key '%s'", path);
        return NULL;
    }
    key = key_read(fd, path, err_domain);
    close(fd);
    return key;
}

/* Authenticated data: the version byte, then the context. */
static uint8_t *make_aad(const char *context, size_t *len)
{
    size_t clen = context ? strlen(context) : 0;
    uint8_t *aad = g_malloc(1 + clen);

    aad[0] = SECRET_CRYPT_VERSION;
    if (clen)
        memcpy(aad + 1, context, clen);
    *len = 1 + clen;
    return aad;
}

static gnutls_aead_cipher_hd_t cipher_open(const secret_key *key, int err_domain)
{
    gnutls_aead_cipher_hd_t h = NULL;
    gnutls_datum_t k = { .data = (unsigned char *)key->bytes, .size = SECRET_KEY_LEN };
    int rc = gnutls_aead_cipher_init(&h, GNUTLS_CIPHER_AES_256_GCM, &k);

    if (rc < 0) {
        error_report(err_domain, VIREO_ERR_INTERNAL_ERROR, "cannot set up AES-256-GCM: %s",
                     gnutls_strerror(rc));
        return NULL;
    }
    return h;
}

uint8_t *secret_encrypt(const secret_key *key, const char *context, const uint8_t *value,
                        size_t len, size_t *blob_len, int err_domain)
{
    static const uint8_t empty[1];
    gnutls_aead_cipher_hd_t h;
    g_autofree uint8_t *aad = NULL;
    g_autofree uint8_t *blob = NULL;
    size_t aad_len, ct_len = len + SECRET_TAG_LEN;
    int rc;

    if (len > G_MAXSIZE - SECRET_CRYPT_OVERHEAD || !(h = cipher_open(key, err_domain)))
        return NULL;
    blob = g_malloc(len + SECRET_CRYPT_OVERHEAD);
    blob[0] = SECRET_CRYPT_VERSION;
    rc = gnutls_rnd(GNUTLS_RND_NONCE, blob + 1, SECRET_NONCE_LEN);
    aad = make_aad(context, &aad_len);
    if (rc >= 0)
        rc = gnutls_aead_cipher_encrypt(h, blob + 1, SECRET_NONCE_LEN, aad, aad_len,
                                        SECRET_TAG_LEN, len ? value : empty, len,
                                        blob + 1 + SECRET_NONCE_LEN, &ct_len);
    gnutls_aead_cipher_deinit(h);
    if (rc < 0 || ct_len != len + SECRET_TAG_LEN) {
        error_report(err_domain, VIREO_ERR_INTERNAL_ERROR, "cannot encrypt a secret value: %s",
                     rc < 0 ? gnutls_strerror(rc) : "unexpected ciphertext length");
        return NULL;
    }
    *blob_len = len + SECRET_CRYPT_OVERHEAD;
    return g_steal_pointer(&blob);
}

uint8_t *secret_decrypt(const secret_key *key, const char *context, const uint8_t *blob,
                        size_t blob_len, size_t *len, const char *what, int err_domain)
{
    gnutls_aead_cipher_hd_t h;
    g_autofree uint8_t *aad = NULL;
    uint8_t *value;
    size_t aad_len, vlen;
    int rc;

    if (blob_len < SECRET_CRYPT_OVERHEAD || blob[0] != SECRET_CRYPT_VERSION) {
        error_report(err_domain, VIREO_ERR_INTERNAL_ERROR,
                     "cannot decrypt secret value '%s': %s", what,
                     blob_len < SECRET_CRYPT_OVERHEAD ? "truncated (shorter than its header)"
                                                      : "unknown format version");
        return NULL;
    }
    if (!(h = cipher_open(key, err_domain)))
        return NULL;
    vlen = blob_len - SECRET_CRYPT_OVERHEAD;
    /* one spare byte: the tag is written there, and a NUL after the value */
    value = g_malloc0(vlen + SECRET_TAG_LEN + 1);
    aad = make_aad(context, &aad_len);
    *len = vlen + SECRET_TAG_LEN;
    rc = gnutls_aead_cipher_decrypt(h, blob + 1, SECRET_NONCE_LEN, aad, aad_len, SECRET_TAG_LEN,
                                    blob + 1 + SECRET_NONCE_LEN, vlen + SECRET_TAG_LEN, value,
                                    len);
    gnutls_aead_cipher_deinit(h);
    if (rc < 0 || *len != vlen) {
        secret_value_free(value, vlen + SECRET_TAG_LEN + 1);
        error_report(err_domain, VIREO_ERR_INTERNAL_ERROR,
                     "cannot decrypt secret value '%s': %s", what,
                     rc == GNUTLS_E_DECRYPTION_FAILED
                         ? "it was changed, truncated, or encrypted with another master key"
                         : rc < 0 ? gnutls_strerror(rc) : "unexpected value length");
        return NULL;
    }
    value[vlen] = '\0';
    return value;
}
