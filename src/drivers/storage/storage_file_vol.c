/*
 * storage_file_vol.c: make, copy, resize, wipe and delete file volumes.
 *
 * Raw files are made with open/ftruncate/fallocate (sparse up to the
 * requested allocation, as libvirt does); every other format, copies and
 * conversions go through qemu-img.  A LUKS key travels to qemu-img in a
 * 0600 file in a private folder, never on its command line.
 */
#define _GNU_SOURCE   /* fallocate, FALLOC_FL_* */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "drivers/secret/secret_store.h"
#include "drivers/storage/storage_file_vol.h"
#include "drivers/storage/storage_run.h"
#include "util/error.h"
#include "util/log.h"
#include "util/secret_crypt.h"
#include "util/uuid.h"

#define LOG_CATEGORY "storage.file"

/* qemu-img's deadline when it makes a LUKS key slot */
#define FILE_VOL_LUKS_TIMEOUT_MS 120000

/* libvirt's mode for new volume files */
#define FILE_VOL_DEFAULT_MODE 0600

static const char *const writable_formats[] = {
    "raw", "qcow2", "qcow", "qed", "vdi", "vmdk", "vpc", "vhdx", NULL,
};

bool storage_file_vol_format_writable(const char *format)
{
    return format && g_strv_contains(writable_formats, format);
}

/* argv arrays hold borrowed strings, literals among them */
static void argv_add(GPtrArray *argv, const char *arg)
{
    g_ptr_array_add(argv, (char *)arg);
}

/* ---- the encryption key, for qemu-img ---- */

/* A secret handed to qemu-img: --object secret,id=ID,file=PATH. */
typedef struct file_secret {
    char *dir;          /* owned; private folder removed by file_secret_clear */
    char *path;
    char *object;       /* the --object argument */
} file_secret;

static void file_secret_clear(file_secret *s)
{
    if (s->path)
        unlink(s->path);
    if (s->dir)
        rmdir(s->dir);
    g_free(s->dir);
    g_free(s->path);
    g_free(s->object);
    memset(s, 0, sizeof(*s));
}

/* The UUID of vol's LUKS secret: <secret uuid=''> or, libvirt's usage
 * for volume secrets, <secret usage=''> or one whose usage is the path. */
static int file_secret_uuid(node_state *node, const storage_vol_def *vol, const char *path,
                            unsigned char uuid[VIREO_UUID_BUFLEN])
{
    if (vol->secret_uuid) {
        if (uuid_parse(vol->secret_uuid, uuid) < 0) {
            error_report(VIREO_FROM_STORAGE, VIREO_ERR_XML_ERROR,
                         "malformed secret uuid '%s' in the encryption of volume '%s'",
                         vol->secret_uuid, vol->name);
            return -1;
        }
        return 0;
    }
    if (vol->secret_usage)
        return secret_store_lookup_usage(node, VIREO_SECRET_USAGE_TYPE_VOLUME, vol->secret_usage,
                                         uuid);
    if (path && secret_store_lookup_usage(node, VIREO_SECRET_USAGE_TYPE_VOLUME, path, uuid) == 0)
        return 0;
    error_reset();
    error_report(VIREO_FROM_STORAGE, VIREO_ERR_INVALID_ARG,
                 "A single <secret type='passphrase'...> element is expected in encryption "
                 "description of volume '%s'", vol->name);
    return -1;
}

char *storage_file_vol_secret_uuid(node_state *node, const storage_vol_def *vol)
{
    unsigned char uuid[VIREO_UUID_BUFLEN];
    char text[VIREO_UUID_STRING_BUFLEN];

    if (file_secret_uuid(node, vol, vol->path, uuid) < 0)
        return NULL;
    uuid_format(uuid, text);
    return g_strdup(text);
}

/* Write vol's key where qemu-img reads it as object id.  0, or -1. */
static int file_secret_prepare(node_state *node, const storage_vol_def *vol, const char *path,
                               const char *id, file_secret *s)
{
    unsigned char uuid[VIREO_UUID_BUFLEN];
    g_autoptr(GError) gerr = NULL;
    g_autofree char *b64 = NULL;
    uint8_t *value = NULL;
    size_t len = 0;
    int fd, rc = -1;

    memset(s, 0, sizeof(*s));
    if (file_secret_uuid(node, vol, path, uuid) < 0 ||
        secret_store_get_value(node, uuid, &value, &len) < 0)
        return -1;
    b64 = g_base64_encode(value, len);
    secret_value_free(value, len);
    s->dir = g_dir_make_tmp("vireo-luks-XXXXXX", &gerr);
    if (!s->dir) {
        error_report(VIREO_FROM_STORAGE, VIREO_ERR_SYSTEM_ERROR,
                     "cannot make a folder for the key of volume '%s': %s", vol->name,
                     gerr->message);
        return -1;
    }
    s->path = g_build_filename(s->dir, "key", NULL);
    fd = open(s->path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd >= 0 && write(fd, b64, strlen(b64)) == (ssize_t)strlen(b64))
        rc = 0;
    if (rc < 0)
        error_report_system(VIREO_FROM_STORAGE, errno, "cannot write the key of volume '%s'",
                            vol->name);
    if (fd >= 0)
        close(fd);
    memset(b64, 0, strlen(b64));
    if (rc < 0) {
        file_secret_clear(s);
        return -1;
    }
    s->object = g_strdup_printf("secret,id=%s,file=%s,format=base64", id, s->path);
    return 0;
}

/* ---- checks before anything is made ---- */

static int file_vol_check_name(const storage_vol_def *vol)
{
    if (!vol->name || !*vol->name || strchr(vol->name, '/') || strcmp(vol->name, ".") == 0 ||
        strcmp(vol->name, "..") == 0) {
        error_report(VIREO_FROM_STORAGE, VIREO_ERR_OPERATION_UNSUPPORTED,
                     "volume name '%s' cannot contain '/'", vol->name ? vol->name : "");
        return -1;
    }
    return 0;
}

static int file_vol_check_encryption(const storage_vol_def *vol)
{
    if (!vol->encryption)
        return 0;
    if (strcmp(vol->format, "qcow2") != 0 && strcmp(vol->format, "raw") != 0) {
        error_report(VIREO_FROM_STORAGE, VIREO_ERR_CONFIG_UNSUPPORTED,
                     "volume encryption unsupported with format %s (volume '%s')", vol->format,
                     vol->name);
        return -1;
    }
    if (strcmp(vol->encryption, "luks") != 0) {
        error_report(VIREO_FROM_STORAGE, VIREO_ERR_CONFIG_UNSUPPORTED,
                     "unsupported volume encryption format %s for volume '%s': only luks "
                     "volumes can be created", vol->encryption, vol->name);
        return -1;
    }
    return 0;
}

static int file_vol_check(const storage_vol_def *vol, const storage_vol_def *from,
                          unsigned int flags)
{
    if (file_vol_check_name(vol) < 0)
        return -1;
    if (strcmp(vol->format, "dir") != 0 && !storage_file_vol_format_writable(vol->format)) {
        error_report(VIREO_FROM_STORAGE, VIREO_ERR_CONFIG_UNSUPPORTED,
                     "creation of volumes of format '%s' is not supported (volume '%s')",
                     vol->format, vol->name);
        return -1;
    }
    if (strcmp(vol->format, "dir") == 0 && (from || vol->backing_path || vol->encryption)) {
        error_report(VIREO_FROM_STORAGE, VIREO_ERR_CONFIG_UNSUPPORTED,
                     "a 'dir' volume ('%s') cannot be copied, encrypted or have a backing store",
                     vol->name);
        return -1;
    }
    if ((flags & VIREO_STORAGE_VOL_CREATE_PREALLOC_METADATA) && strcmp(vol->format, "qcow2") != 0) {
        error_report(VIREO_FROM_STORAGE, VIREO_ERR_CONFIG_UNSUPPORTED,
                     "metadata preallocation only available with qcow2 (volume '%s')", vol->name);
        return -1;
    }
    if ((flags & VIREO_STORAGE_VOL_CREATE_PREALLOC_METADATA) && vol->backing_path) {
        error_report(VIREO_FROM_STORAGE, VIREO_ERR_CONFIG_UNSUPPORTED,
                     "metadata preallocation conflicts with backing store (volume '%s')",
                     vol->name);
        return -1;
    }
    if (vol->backing_path && (strcmp(vol->format, "raw") == 0 || from)) {
        error_report(VIREO_FROM_STORAGE, VIREO_ERR_CONFIG_UNSUPPORTED,
                     "backing storage not supported for %s volume '%s'",
                     from ? "copied" : "raw", vol->name);
        return -1;
    }
    if (from && (!from->format || strcmp(from->format, "dir") == 0)) {
        error_report(VIREO_FROM_STORAGE, VIREO_ERR_OPERATION_UNSUPPORTED,
                     "volume '%s' of format '%s' cannot be copied", from->name,
                     from->format ? from->format : "unknown");
        return -1;
    }
    if (from && from->encryption) {
        error_report(VIREO_FROM_STORAGE, VIREO_ERR_OPERATION_UNSUPPORTED,
                     "copying encrypted volume '%s' is not supported", from->name);
        return -1;
    }
    return file_vol_check_encryption(vol);
}

/* ---- making ---- */

static int file_vol_create_raw(const storage_vol_def *vol, mode_t mode)
{
    uint64_t alloc = MIN(vol->allocation, vol->capacity);
    int fd = open(vol->path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    int rc;

    if (fd < 0) {
        error_report_system(VIREO_FROM_STORAGE, errno, "cannot create path '%s'", vol->path);
        return -1;
    }
    if (ftruncate(fd, (off_t)vol->capacity) < 0) {
        error_report_system(VIREO_FROM_STORAGE, errno, "cannot extend file '%s'", vol->path);
        goto fail;
    }
    if (alloc > 0) {
        rc = fallocate(fd, 0, 0, (off_t)alloc);
        if (rc < 0 && (errno == EOPNOTSUPP || errno == ENOSYS)) {
            int err = posix_fallocate(fd, 0, (off_t)alloc);

            rc = err ? -1 : 0;
            errno = err;
        }
        if (rc < 0) {
            error_report_system(VIREO_FROM_STORAGE, errno,
                                "cannot allocate %" G_GUINT64_FORMAT " bytes in file '%s'", alloc,
                                vol->path);
            goto fail;
        }
    }
    if (fsync(fd) < 0) {
        error_report_system(VIREO_FROM_STORAGE, errno, "cannot sync file '%s'", vol->path);
        goto fail;
    }
    close(fd);
    return 0;

fail:
    close(fd);
    unlink(vol->path);
    return -1;
}

/* -o options of the new image. */
static char *file_vol_image_opts(const storage_vol_def *vol, bool secret, unsigned int flags)
{
    g_autoptr(GString) o = g_string_new(NULL);
    bool qcow2 = strcmp(vol->format, "qcow2") == 0;

    if (secret && qcow2)
        g_string_append(o, ",encrypt.format=luks,encrypt.key-secret=sec0");
    else if (secret)
        g_string_append(o, ",key-secret=sec0");
    if (qcow2 && vol->compat)
        g_string_append_printf(o, ",compat=%s", vol->compat);
    if (qcow2 && vol->cluster_size)
        g_string_append_printf(o, ",cluster_size=%" G_GUINT64_FORMAT, vol->cluster_size);
    if (qcow2 && vol->lazy_refcounts)
        g_string_append(o, ",lazy_refcounts=on");
    if (qcow2 && vol->extended_l2)
        g_string_append(o, ",extended_l2=on");
    /* libvirt: a volume asked fully allocated gets its clusters too */
    if ((flags & VIREO_STORAGE_VOL_CREATE_PREALLOC_METADATA) && vol->allocation >= vol->capacity)
        g_string_append(o, ",preallocation=falloc");
    else if (flags & VIREO_STORAGE_VOL_CREATE_PREALLOC_METADATA)
        g_string_append(o, ",preallocation=metadata");
    if (vol->nocow && (qcow2 || strcmp(vol->format, "raw") == 0))
        g_string_append(o, ",nocow=on");
    if (!o->len)
        return NULL;
    return g_strdup(o->str + 1);
}

/* qemu-img's name of the format: a raw LUKS volume is its "luks" driver */
static const char *file_vol_qemu_format(const storage_vol_def *vol)
{
    if (vol->encryption && strcmp(vol->format, "raw") == 0)
        return "luks";
    return vol->format;
}

/* The backing file's format when the XML did not say: probed. */
static int file_vol_backing_format(const storage_vol_def *vol, char **format)
{
    g_autoptr(storage_vol_def) probe = storage_file_vol_new("backing");

    if (vol->backing_format) {
        *format = g_strdup(vol->backing_format);
        return 0;
    }
    if (storage_file_vol_probe(vol->backing_path, probe) != 0) {
        if (!error_last())
            error_report(VIREO_FROM_STORAGE, VIREO_ERR_INTERNAL_ERROR,
                         "inaccessible backing store volume %s", vol->backing_path);
        return -1;
    }
    *format = g_strdup(probe->format);
    return 0;
}

static int file_vol_create_image(node_state *node, const storage_vol_def *vol,
                                 const storage_vol_def *from, unsigned int flags)
{
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    g_autofree char *opts = NULL, *size = NULL, *backing_format = NULL;
    file_secret sec = { 0 };
    int rc = -1, deadline = storage_run_timeout_ms();

    if (vol->encryption && file_secret_prepare(node, vol, vol->path, "sec0", &sec) < 0)
        return -1;
    /* a LUKS key slot costs seconds of CPU by design (QEMU's default
     * iter-time is 2 s), longer on a busy host */
    if (vol->encryption)
        deadline = MAX(deadline, FILE_VOL_LUKS_TIMEOUT_MS);
    if (vol->backing_path && file_vol_backing_format(vol, &backing_format) < 0)
        goto out;
    opts = file_vol_image_opts(vol, vol->encryption != NULL, flags);
    argv_add(argv, "qemu-img");
    argv_add(argv, from ? "convert" : "create");
    /* a copy's progress lines keep it within storage_run's deadline */
    if (from)
        argv_add(argv, "-p");
    if (sec.object) {
        argv_add(argv, "--object");
        argv_add(argv, sec.object);
    }
    if (from) {
        argv_add(argv, "-f");
        argv_add(argv, from->format);
        argv_add(argv, "-O");
    } else {
        argv_add(argv, "-f");
    }
    argv_add(argv, file_vol_qemu_format(vol));
    if (vol->backing_path) {
        argv_add(argv, "-b");
        argv_add(argv, vol->backing_path);
        argv_add(argv, "-F");
        argv_add(argv, backing_format);
    }
    if (opts) {
        argv_add(argv, "-o");
        argv_add(argv, opts);
    }
    if (from)
        argv_add(argv, from->path);
    argv_add(argv, vol->path);
    if (!from && (vol->has_capacity || !vol->backing_path)) {
        size = g_strdup_printf("%" G_GUINT64_FORMAT, vol->capacity);
        argv_add(argv, size);
    }
    g_ptr_array_add(argv, NULL);
    for (int attempt = 1;; attempt++) {
        rc = storage_run((const char *const *)argv->pdata, deadline, NULL, NULL);
        /* QEMU times its LUKS key derivation with the thread's CPU clock
         * and gives up when one round measures 0 ms (a coarse clock on a
         * busy host); another try measures again */
        if (rc == 0 || !sec.object || attempt == 10 ||
            !strstr(error_last()->message, "Unable to get accurate CPU usage"))
            break;
        log_warn("%s: %s; trying again", vol->name, error_last()->message);
        unlink(vol->path);
        /* failures come in runs while the host is busy: wait them out */
        g_usleep((gulong)attempt * 100000);
    }

out:
    file_secret_clear(&sec);
    return rc;
}

/* Grow a copy to the capacity asked for (libvirt keeps the larger). */
static int file_vol_grow_copy(node_state *node, const storage_pool_def *pool,
                              storage_vol_def *vol)
{
    g_autoptr(storage_vol_def) now = storage_file_vol_new(vol->name);

    if (storage_file_vol_probe(vol->path, now) != 0) {
        if (!error_last())
            error_report(VIREO_FROM_STORAGE, VIREO_ERR_INTERNAL_ERROR,
                         "volume '%s' vanished while it was copied", vol->name);
        return -1;
    }
    if (!vol->has_capacity || vol->capacity <= now->capacity)
        return 0;
    g_free(now->secret_uuid);
    now->secret_uuid = g_strdup(vol->secret_uuid);
    return storage_file_vol_resize(node, pool, now, vol->capacity, 0);
}

static int file_vol_apply_perms(const storage_vol_def *vol)
{
    mode_t mode = vol->perms.mode >= 0 ? (mode_t)vol->perms.mode : FILE_VOL_DEFAULT_MODE;

    if (strcmp(vol->format, "dir") == 0 && vol->perms.mode < 0)
        mode = 0755;
    if (chmod(vol->path, mode) < 0) {
        error_report_system(VIREO_FROM_STORAGE, errno, "cannot set mode of '%s' to %04o",
                            vol->path, (unsigned int)mode);
        return -1;
    }
    if ((vol->perms.owner >= 0 || vol->perms.group >= 0) &&
        chown(vol->path, (uid_t)vol->perms.owner, (gid_t)vol->perms.group) < 0) {
        error_report_system(VIREO_FROM_STORAGE, errno, "cannot change ownership of '%s'",
                            vol->path);
        return -1;
    }
    return 0;
}

static int file_vol_make(node_state *node, const storage_pool_def *pool, storage_vol_def *vol,
                         const storage_vol_def *from, unsigned int flags)
{
    if (strcmp(vol->format, "dir") == 0) {
        if (mkdir(vol->path, 0755) < 0) {
            error_report_system(VIREO_FROM_STORAGE, errno, "cannot create path '%s'", vol->path);
            return -1;
        }
        return 0;
    }
    if (!from && !vol->encryption && strcmp(vol->format, "raw") == 0)
        return file_vol_create_raw(vol, FILE_VOL_DEFAULT_MODE);
    if (file_vol_create_image(node, vol, from, flags) < 0)
        return -1;
    return from ? file_vol_grow_copy(node, pool, vol) : 0;
}

int storage_file_vol_create(node_state *node, const storage_pool_def *pool, storage_vol_def *vol,
                            const storage_vol_def *from, unsigned int flags)
{
    g_autofree char *secret_uuid = NULL, *secret_usage = NULL;
    struct stat st;
    int rc;

    if (!vol->format)
        vol->format = g_strdup("raw");
    if (file_vol_check(vol, from, flags) < 0)
        return -1;
    g_free(vol->path);
    vol->path = g_build_filename(pool->target_path, vol->name, NULL);
    if (lstat(vol->path, &st) == 0) {
        error_report(VIREO_FROM_STORAGE, VIREO_ERR_STORAGE_VOL_EXIST,
                     "'%s': '%s' exists already", vol->name, vol->path);
        return -1;
    }
    log_info("%s: creating volume '%s' (%s)", pool->name, vol->name, vol->format);
    if (file_vol_make(node, pool, vol, from, flags) < 0 || file_vol_apply_perms(vol) < 0)
        goto fail;
    /* the file says what it is now; the secret only the caller knows */
    secret_uuid = g_steal_pointer(&vol->secret_uuid);
    secret_usage = g_steal_pointer(&vol->secret_usage);
    g_clear_pointer(&vol->encryption, g_free);
    rc = storage_file_vol_probe(vol->path, vol);
    vol->secret_uuid = g_steal_pointer(&secret_uuid);
    vol->secret_usage = g_steal_pointer(&secret_usage);
    if (rc == 0)
        return 0;
    if (rc == -2)
        error_report(VIREO_FROM_STORAGE, VIREO_ERR_INTERNAL_ERROR,
                     "volume '%s' vanished after it was made", vol->name);

fail:
    {
        vireo_error *saved = error_save();

        if (strcmp(vol->format, "dir") == 0)
            rmdir(vol->path);
        else
            unlink(vol->path);
        error_restore(saved);
    }
    return -1;
}

/* ---- changing ---- */

int storage_file_vol_delete(const storage_pool_def *pool, const storage_vol_def *vol,
                            unsigned int flags)
{
    int rc;

    (void)flags;
    log_info("%s: deleting volume '%s'", pool->name, vol->name);
    if (vol->type && strcmp(vol->type, "dir") == 0)
        rc = rmdir(vol->path);
    else
        rc = unlink(vol->path);
    /* a volume already gone is deleted */
    if (rc < 0 && errno != ENOENT) {
        error_report_system(VIREO_FROM_STORAGE, errno, "cannot remove volume '%s' ('%s')",
                            vol->name, vol->path);
        return -1;
    }
    return 0;
}

static int file_vol_resize_raw(const storage_vol_def *vol, uint64_t capacity, unsigned int flags)
{
    int fd = open(vol->path, O_WRONLY | O_CLOEXEC);
    struct stat st;
    int rc = -1;

    if (fd < 0 || fstat(fd, &st) < 0) {
        error_report_system(VIREO_FROM_STORAGE, errno, "cannot open volume '%s'", vol->path);
        goto out;
    }
    if ((flags & VIREO_STORAGE_VOL_RESIZE_ALLOCATE) && capacity > (uint64_t)st.st_size) {
        if (fallocate(fd, 0, st.st_size, (off_t)(capacity - (uint64_t)st.st_size)) < 0) {
            error_report_system(VIREO_FROM_STORAGE, errno,
                                "cannot allocate %" G_GUINT64_FORMAT " bytes in volume '%s'",
                                capacity - (uint64_t)st.st_size, vol->path);
            goto out;
        }
    } else if (ftruncate(fd, (off_t)capacity) < 0) {
        error_report_system(VIREO_FROM_STORAGE, errno, "cannot resize volume '%s'", vol->path);
        goto out;
    }
    rc = fsync(fd);
    if (rc < 0)
        error_report_system(VIREO_FROM_STORAGE, errno, "cannot sync volume '%s'", vol->path);

out:
    if (fd >= 0)
        close(fd);
    return rc;
}

int storage_file_vol_resize(node_state *node, const storage_pool_def *pool,
                            const storage_vol_def *vol, uint64_t capacity, unsigned int flags)
{
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    g_autofree char *size = g_strdup_printf("%" G_GUINT64_FORMAT, capacity);
    g_autofree char *image = NULL;
    file_secret sec = { 0 };
    int rc;

    log_info("%s: resizing volume '%s' to %" G_GUINT64_FORMAT, pool->name, vol->name, capacity);
    if (!vol->encryption && vol->format && strcmp(vol->format, "raw") == 0)
        return file_vol_resize_raw(vol, capacity, flags);
    if (vol->encryption && file_secret_prepare(node, vol, vol->path, "sec0", &sec) < 0)
        return -1;
    argv_add(argv, "qemu-img");
    argv_add(argv, "resize");
    if (sec.object) {
        /* an encrypted image is opened with its key */
        argv_add(argv, "--object");
        argv_add(argv, sec.object);
        argv_add(argv, "--image-opts");
        image = strcmp(vol->format, "qcow2") == 0
            ? g_strdup_printf("driver=qcow2,encrypt.key-secret=sec0,file.filename=%s", vol->path)
            : g_strdup_printf("driver=luks,key-secret=sec0,file.filename=%s", vol->path);
    } else {
        argv_add(argv, "-f");
        argv_add(argv, vol->format);
    }
    if (flags & VIREO_STORAGE_VOL_RESIZE_SHRINK)
        argv_add(argv, "--shrink");
    if ((flags & VIREO_STORAGE_VOL_RESIZE_ALLOCATE) && strcmp(vol->format, "qcow2") == 0)
        argv_add(argv, "--preallocation=falloc");
    argv_add(argv, image ? image : vol->path);
    argv_add(argv, size);
    g_ptr_array_add(argv, NULL);
    rc = storage_run((const char *const *)argv->pdata, 0, NULL, NULL);
    file_secret_clear(&sec);
    return rc;
}

/* Zeros over [0, size) of fd, for file systems that cannot punch holes. */
static int file_vol_write_zeros(int fd, uint64_t size)
{
    g_autofree char *zeros = g_malloc0(1 << 20);
    uint64_t off = 0;

    while (off < size) {
        size_t n = (size_t)MIN(size - off, (uint64_t)(1 << 20));
        ssize_t w = pwrite(fd, zeros, n, (off_t)off);

        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        off += (uint64_t)w;
    }
    return 0;
}

int storage_file_vol_wipe(const storage_pool_def *pool, const storage_vol_def *vol,
                          unsigned int flags)
{
    int fd = open(vol->path, O_WRONLY | O_CLOEXEC);
    struct stat st;
    int rc = -1;

    (void)flags;
    log_info("%s: wiping volume '%s'", pool->name, vol->name);
    if (fd < 0 || fstat(fd, &st) < 0) {
        error_report_system(VIREO_FROM_STORAGE, errno, "cannot open volume '%s'", vol->path);
        goto out;
    }
    if (!S_ISREG(st.st_mode)) {
        error_report(VIREO_FROM_STORAGE, VIREO_ERR_OPERATION_UNSUPPORTED,
                     "volume '%s' is not a file and cannot be wiped", vol->name);
        goto out;
    }
    /* a hole reads as zeros and keeps a sparse volume sparse */
    if (st.st_size > 0 &&
        fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, st.st_size) < 0 &&
        (errno != EOPNOTSUPP || file_vol_write_zeros(fd, (uint64_t)st.st_size) < 0)) {
        error_report_system(VIREO_FROM_STORAGE, errno, "cannot wipe volume '%s'", vol->path);
        goto out;
    }
    rc = fsync(fd);
    if (rc < 0)
        error_report_system(VIREO_FROM_STORAGE, errno, "cannot sync volume '%s'", vol->path);

out:
    if (fd >= 0)
        close(fd);
    return rc;
}
