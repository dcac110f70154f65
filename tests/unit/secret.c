/*
 * secret.c: test-secret, secret XML (src/conf/secret_def.c) and the
 * encryption of secret values at rest (src/util/secret_crypt.c).
 *
 * For each tests/xml/secret/NAME.xml: parse -> format equals NAME.out.xml
 * (VIREO_REGENERATE=1 rewrites it), format -> parse -> format is the same,
 * and the output validates against libvirt's secret.rng.  Each
 * tests/xml/secret/bad-NAME.xml must fail with the code and message
 * substring in bad-NAME.err ("CODE substring").
 */
#define _GNU_SOURCE  /* memmem */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "check.h"
#include "xml_check.h"
#include "conf/secret_def.h"
#include "util/error.h"
#include "util/secret_crypt.h"
#include "util/uuid.h"

/* parse, compare, reparse; the output written under tmp for the schema
 * check (caller frees the path), NULL when it did not parse */
static char *check_one(const char *dir, const char *name, const char *tmp, bool regen)
{
    g_autofree char *path = g_build_filename(dir, name, NULL);
    g_autofree char *stem = g_strndup(name, strlen(name) - 4);
    g_autofree char *out_path = g_strdup_printf("%s/%s.out.xml", dir, stem);
    g_autofree char *xml = NULL, *out = NULL, *expected = NULL, *again = NULL;
    g_autoptr(secret_def) def = NULL;
    g_autoptr(secret_def) def2 = NULL;
    char *written;

    g_file_get_contents(path, &xml, NULL, NULL);
    def = xml ? secret_def_parse(xml) : NULL;
    if (!CHECK(def != NULL, "%s parses", name)) {
        NOTE("%s", xml_check_error());
        return NULL;
    }
    out = secret_def_format(def);
    if (regen)
        g_file_set_contents(out_path, out, -1, NULL);
    g_file_get_contents(out_path, &expected, NULL, NULL);
    if (!CHECK(expected && strcmp(expected, out) == 0, "%s formats as %s.out.xml", name, stem))
        NOTE("got:\n%s", out);
    def2 = secret_def_parse(out);
    again = def2 ? secret_def_format(def2) : NULL;
    if (!CHECK(again && strcmp(again, out) == 0, "%s: format -> parse -> format is identical",
               name))
        NOTE("%s", again ? again : xml_check_error());
    written = g_strdup_printf("%s/%s.xml", tmp, stem);
    g_file_set_contents(written, out, -1, NULL);
    return written;
}

/* One xmllint run over every output; stderr says "FILE validates" per file. */
static void run_corpus(const char *dir)
{
    g_autoptr(GPtrArray) names = xml_check_inputs(dir, false);

    CHECK(names->len >= 8, "corpus has at least 8 secret XMLs (%u)", names->len);
    xml_check_corpus(dir, names, "vireo-secret-xml-XXXXXX", check_one, "secret.rng");
}

static bool secret_refuses(const char *xml, const char *name)
{
    g_autoptr(secret_def) def = secret_def_parse(xml);

    (void)name;
    return def == NULL;
}

static void run_bad(const char *dir)
{
    g_autoptr(GPtrArray) names = xml_check_inputs(dir, true);

    CHECK(names->len >= 10, "at least 10 bad secret XMLs (%u)", names->len);
    for (guint i = 0; i < names->len; i++)
        xml_check_bad(dir, names->pdata[i], VIREO_FROM_SECRET, secret_refuses);
}

static void check_usage(const char *xml, secret_usage_type type, const char *id)
{
    g_autoptr(secret_def) def = secret_def_parse(xml);

    CHECK(def && def->usage == type && g_strcmp0(secret_def_usage_id(def), id) == 0,
          "usage %s has usage id '%s'", secret_usage_names[type], id ? id : "(none)");
}

static void run_api_checks(void)
{
    g_autoptr(secret_def) a = secret_def_parse("<secret/>");
    g_autoptr(secret_def) b = secret_def_parse("<secret private='yes' ephemeral='yes'/>");
    g_autofree char *fa = a ? secret_def_format(a) : NULL;

    CHECK(a && b && !uuid_is_null(a->uuid) && memcmp(a->uuid, b->uuid, 16) != 0,
          "a UUID is generated when absent, a new one each time");
    CHECK(a && !a->ephemeral && !a->is_private && b && b->ephemeral && b->is_private,
          "ephemeral and private default to no and are read");
    CHECK(fa && strstr(fa, "<secret ephemeral='no' private='no'>\n  <uuid>"),
          "ephemeral and private are always written, as libvirt does");
    check_usage("<secret/>", SECRET_USAGE_NONE, NULL);
    check_usage("<secret><usage type='volume'><volume>/var/lib/a.img</volume></usage></secret>",
                SECRET_USAGE_VOLUME, "/var/lib/a.img");
    check_usage("<secret><usage type='ceph'><name>client.admin secret</name></usage></secret>",
                SECRET_USAGE_CEPH, "client.admin secret");
    check_usage("<secret><usage type='iscsi'><target>libvirtiscsi</target></usage></secret>",
                SECRET_USAGE_ISCSI, "libvirtiscsi");
    check_usage("<secret><usage type='tls'><name>TLS_example</name></usage></secret>",
                SECRET_USAGE_TLS, "TLS_example");
    check_usage("<secret><usage type='vtpm'><name>VTPM_example</name></usage></secret>",
                SECRET_USAGE_VTPM, "VTPM_example");
    CHECK(secret_usage_element(SECRET_USAGE_ISCSI) &&
              strcmp(secret_usage_element(SECRET_USAGE_ISCSI), "target") == 0 &&
              secret_usage_element(SECRET_USAGE_NONE) == NULL,
          "secret_usage_element names the id's element");
}

/* ---- encryption at rest ---- */

static secret_key *test_key(unsigned char fill)
{
    unsigned char bytes[SECRET_KEY_LEN];

    memset(bytes, fill, sizeof(bytes));
    return secret_key_new(bytes);
}

static void check_roundtrip(const secret_key *key, size_t len)
{
    g_autofree uint8_t *value = g_malloc(len + 1);
    g_autofree uint8_t *blob = NULL;
    uint8_t *back = NULL;
    size_t blob_len = 0, back_len = 0;

    for (size_t i = 0; i < len; i++)
        value[i] = (uint8_t)(i * 7 + 3);
    blob = secret_encrypt(key, "uuid-1", value, len, &blob_len, VIREO_FROM_SECRET);
    if (blob)
        back = secret_decrypt(key, "uuid-1", blob, blob_len, &back_len, "test", VIREO_FROM_SECRET);
    CHECK(blob && blob_len == len + SECRET_CRYPT_OVERHEAD && blob[0] == SECRET_CRYPT_VERSION &&
              back && back_len == len && memcmp(back, value, len) == 0 && back[len] == 0,
          "a value of %zu bytes round-trips (blob of %zu bytes)", len, blob_len);
    CHECK(!blob || len < 16 || !memmem(blob, blob_len, value, 16),
          "the blob of %zu bytes does not hold the value in clear", len);
    secret_value_free(back, back_len);
}

/* decrypting blob must fail with INTERNAL_ERROR naming what */
static void check_refused(const secret_key *key, const char *context, const uint8_t *blob,
                          size_t len, const char *why)
{
    size_t out_len = 0;
    uint8_t *out;
    const vireo_error *e;

    error_reset();
    out = secret_decrypt(key, context, blob, len, &out_len, "/x/value.enc", VIREO_FROM_SECRET);
    e = error_last();
    if (!CHECK(!out && e && e->code == VIREO_ERR_INTERNAL_ERROR &&
                   strstr(e->message, "/x/value.enc"),
               "%s is refused with an error naming the value", why))
        NOTE("%s", out ? "decrypted" : xml_check_error());
    secret_value_free(out, out_len);
}

static void run_crypt_blobs(void)
{
    g_autoptr(secret_key) key = test_key(0x11);
    g_autoptr(secret_key) other = test_key(0x22);
    const uint8_t value[] = "hunter2-but-longer";
    g_autofree uint8_t *b1 = NULL, *b2 = NULL, *flip = NULL;
    size_t l1 = 0, l2 = 0;

    check_roundtrip(key, 0);
    check_roundtrip(key, 5);
    check_roundtrip(key, 64 * 1024);
    b1 = secret_encrypt(key, "uuid-1", value, sizeof(value) - 1, &l1, VIREO_FROM_SECRET);
    b2 = secret_encrypt(key, "uuid-1", value, sizeof(value) - 1, &l2, VIREO_FROM_SECRET);
    CHECK(b1 && b2 && l1 == l2 && memcmp(b1, b2, l1) != 0 &&
              memcmp(b1 + 1, b2 + 1, SECRET_NONCE_LEN) != 0,
          "two encryptions of the same value differ (fresh nonce)");
    if (!b1)
        return;
    /* every region: version, nonce, ciphertext, tag (its last byte too) */
    for (size_t at = 0; at < l1; at = at + 5 < l1 || at == l1 - 1 ? at + 5 : l1 - 1) {
        char why[64];

        g_clear_pointer(&flip, g_free);
        flip = g_malloc(l1);
        memcpy(flip, b1, l1);
        flip[at] ^= 0x01;
        g_snprintf(why, sizeof(why), "a blob with byte %zu of %zu flipped", at, l1);
        check_refused(key, "uuid-1", flip, l1, why);
    }
    check_refused(key, "uuid-1", b1, l1 - 1, "a blob missing its last byte");
    check_refused(key, "uuid-1", b1, SECRET_CRYPT_OVERHEAD - 1, "a blob shorter than its header");
    check_refused(key, "uuid-1", b1, 0, "an empty blob");
    check_refused(other, "uuid-1", b1, l1, "a blob decrypted with another key");
    check_refused(key, "uuid-2", b1, l1, "a blob moved to another secret (context)");
    check_refused(key, NULL, b1, l1, "a blob decrypted without its context");
}

static void run_crypt_keyfile(void)
{
    g_autofree char *tmp = g_dir_make_tmp("vireo-secret-key-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(tmp, "etc", "secrets", "master.key", NULL);
    g_autofree char *dir = g_path_get_dirname(path);
    g_autofree char *parent = g_path_get_dirname(dir);
    g_autoptr(secret_key) k1 = secret_key_load(path, VIREO_FROM_SECRET);
    g_autoptr(secret_key) k2 = NULL;
    g_autoptr(secret_key) k3 = NULL;
    struct stat st;

    if (!CHECK(k1 != NULL, "the master key is created on first use"))
        NOTE("%s", xml_check_error());
    CHECK(stat(path, &st) == 0 && (st.st_mode & 07777) == 0600 && st.st_size == SECRET_KEY_LEN,
          "the key file has mode 0600 and 32 bytes");
    CHECK(stat(dir, &st) == 0 && (st.st_mode & 07777) == 0700, "its new folder has mode 0700");
    k2 = secret_key_load(path, VIREO_FROM_SECRET);
    CHECK(k1 && k2 && memcmp(k1->bytes, k2->bytes, SECRET_KEY_LEN) == 0,
          "the key file is reused by the next load");
    g_clear_pointer(&k2, secret_key_free);
    g_chmod(path, 0644);
    error_reset();
    k2 = secret_key_load(path, VIREO_FROM_SECRET);
    CHECK(!k2 && strstr(xml_check_error(), path), "a key file readable by others is refused");
    g_chmod(path, 0600);
    g_file_set_contents(path, "short", 5, NULL);
    g_chmod(path, 0600);
    k3 = secret_key_load(path, VIREO_FROM_SECRET);
    CHECK(!k3 && strstr(xml_check_error(), "32 bytes"),
          "a key file of the wrong size is refused, not replaced");
    g_unlink(path);
    g_rmdir(dir);
    g_rmdir(parent);
    g_rmdir(tmp);
}

int main(void)
{
    const char *top = g_getenv("VIREO_TOP");
    g_autofree char *dir = g_build_filename(top ? top : ".", "tests", "xml", "secret", NULL);

    run_api_checks();
    run_corpus(dir);
    run_bad(dir);
    run_crypt_blobs();
    run_crypt_keyfile();
    return check_exit();
}
