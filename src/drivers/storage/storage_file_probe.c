/*
 * storage_file_probe.c: what a file in a pool folder is (format, sizes,
 * backing store), for the dir, fs and netfs pools' listings.
 *
 * The header's magic bytes say the format.  Raw files and ISO images are
 * measured with stat() alone; image formats are asked to qemu-img
 * (`info --output=json`, one short run each), which knows every
 * format's virtual size and backing chain.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "drivers/storage/storage_file_vol.h"
#include "drivers/storage/storage_run.h"
#include "util/error.h"
#include "util/log.h"

#define LOG_CATEGORY "storage.file"

/* Header bytes enough for every magic below (ISO's is at 0x8001). */
#define PROBE_HEADER_LEN 0x8010

typedef struct file_magic {
    const char *format;     /* the volume format name */
    size_t offset;
    const char *bytes;
    size_t len;
    bool image;             /* ask qemu-img for the sizes */
} file_magic;

static const file_magic file_magics[] = {
    { "qcow2", 0, "QFI\xfb", 4, true },     /* version 1 is qcow: see probe_magic */
    { "qed", 0, "QED\0", 4, true },
    { "vdi", 0x40, "\x7f\x10\xda\xbe", 4, true },
    { "vmdk", 0, "KDMV", 4, true },
    { "vmdk", 0, "# Disk DescriptorFile", 21, true },
    { "vhdx", 0, "vhdxfile", 8, true },
    { "vpc", 0, "conectix", 8, true },
    { "luks", 0, "LUKS\xba\xbe", 6, true },
    { "iso", 0x8001, "CD001", 5, false },
};

/* The magic entry matching header (len bytes read), or NULL (raw). */
static const file_magic *probe_magic(const unsigned char *header, size_t len, bool *qcow1)
{
    *qcow1 = false;
    for (size_t i = 0; i < G_N_ELEMENTS(file_magics); i++) {
        const file_magic *m = &file_magics[i];

        if (m->offset + m->len > len || memcmp(header + m->offset, m->bytes, m->len) != 0)
            continue;
        if (strcmp(m->format, "qcow2") == 0 && len >= 8)
            *qcow1 = ((uint32_t)header[4] << 24 | header[5] << 16 | header[6] << 8 | header[7]) == 1;
        return m;
    }
    return NULL;
}

static void probe_set(char **field, const char *value)
{
    char *copy = g_strdup(value);   /* value may be *field itself */

    g_free(*field);
    *field = copy;
}

/* What qemu-img says about an image: sizes, backing store, qcow2 and
 * encryption details.  0, or -1 with the error set. */
static int probe_qemu_img(const char *path, const char *format, storage_vol_def *vol)
{
    const char *argv[] = { "qemu-img", "info", "--output=json", "-U", "-f", format, path, NULL };
    g_autofree char *out = NULL;
    json_error_t jerr;
    json_t *root, *spec, *data, *v;

    if (storage_run(argv, 0, &out, NULL) < 0)
        return -1;
    root = json_loads(out, 0, &jerr);
    if (!json_is_object(root)) {
        error_report(VIREO_FROM_STORAGE, VIREO_ERR_STORAGE_PROBE_FAILED,
                     "cannot read qemu-img's description of '%s': %s", path, jerr.text);
        json_decref(root);
        return -1;
    }
    if (json_is_integer(v = json_object_get(root, "virtual-size")))
        vol->capacity = (uint64_t)json_integer_value(v);
    v = json_object_get(root, "full-backing-filename");
    if (!json_is_string(v))
        v = json_object_get(root, "backing-filename");
    if (json_is_string(v)) {
        probe_set(&vol->backing_path, json_string_value(v));
        v = json_object_get(root, "backing-filename-format");
        probe_set(&vol->backing_format, json_is_string(v) ? json_string_value(v) : NULL);
    }
    spec = json_object_get(root, "format-specific");
    data = json_object_get(spec, "data");
    if (strcmp(format, "qcow2") == 0 && json_is_object(data)) {
        v = json_object_get(data, "compat");
        probe_set(&vol->compat, json_is_string(v) ? json_string_value(v) : NULL);
        vol->lazy_refcounts = json_is_true(json_object_get(data, "lazy-refcounts"));
        vol->extended_l2 = json_is_true(json_object_get(data, "extended-l2"));
        v = json_object_get(json_object_get(data, "encrypt"), "format");
        if (json_is_string(v) && strcmp(json_string_value(v), "luks") == 0)
            probe_set(&vol->encryption, "luks");
        else if (json_is_string(v))
            probe_set(&vol->encryption, "qcow");
    }
    if (strcmp(format, "qcow2") == 0 && json_is_integer(v = json_object_get(root, "cluster-size")))
        vol->cluster_size = (uint64_t)json_integer_value(v);
    json_decref(root);
    return 0;
}

static void probe_stat_fill(storage_vol_def *vol, const struct stat *st)
{
    vol->allocation = (uint64_t)st->st_blocks * 512;
    vol->physical = (uint64_t)st->st_size;
    vol->perms.mode = (int)(st->st_mode & 07777);
    vol->perms.owner = st->st_uid;
    vol->perms.group = st->st_gid;
}

/* Read the first bytes of the open file.  The count, or -1 with errno. */
static ssize_t probe_read_header(int fd, unsigned char *buf, size_t len)
{
    size_t done = 0;

    while (done < len) {
        ssize_t n = pread(fd, buf + done, len - done, (off_t)done);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        if (n == 0)
            break;
        done += (size_t)n;
    }
    return (ssize_t)done;
}

/* The format of the regular file open as fd, from its header.  *image:
 * whether qemu-img must measure it.  NULL with errno when unreadable. */
static const char *probe_format(int fd, bool *image)
{
    g_autofree unsigned char *header = g_malloc(PROBE_HEADER_LEN);
    ssize_t n = probe_read_header(fd, header, PROBE_HEADER_LEN);
    const file_magic *m;
    bool qcow1;

    *image = false;
    if (n < 0)
        return NULL;
    m = probe_magic(header, (size_t)n, &qcow1);
    if (!m)
        return "raw";
    *image = m->image;
    return qcow1 ? "qcow" : m->format;
}

int storage_file_vol_probe(const char *vol_path, storage_vol_def *vol)
{
    g_autofree char *path = g_strdup(vol_path);     /* may be vol->path */
    const char *format;
    struct stat st;
    bool image;
    int fd;

    /* O_NONBLOCK: a FIFO in the folder must not hang the listing */
    fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0 && (errno == ENOENT || errno == ELOOP || errno == ENXIO))
        return -2;
    if (fd < 0 || fstat(fd, &st) < 0) {
        error_report_system(VIREO_FROM_STORAGE, errno, "cannot open volume '%s'", path);
        if (fd >= 0)
            close(fd);
        return -1;
    }
    if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
        close(fd);
        return -2;
    }
    probe_set(&vol->key, path);
    probe_set(&vol->path, path);
    vol->has_capacity = true;
    probe_stat_fill(vol, &st);
    if (S_ISDIR(st.st_mode)) {
        close(fd);
        probe_set(&vol->type, "dir");
        probe_set(&vol->format, "dir");
        vol->capacity = (uint64_t)st.st_size;
        return 0;
    }
    probe_set(&vol->type, "file");
    format = probe_format(fd, &image);
    close(fd);
    if (!format) {
        error_report_system(VIREO_FROM_STORAGE, errno, "cannot read volume '%s'", path);
        return -1;
    }
    vol->capacity = (uint64_t)st.st_size;
    g_clear_pointer(&vol->backing_path, g_free);
    g_clear_pointer(&vol->backing_format, g_free);
    if (image && probe_qemu_img(path, format, vol) < 0) {
        /* a damaged image is still listed, measured as a plain file */
        log_warn("%s: %s", path, error_last() ? error_last()->message : "");
        error_reset();
    }
    if (strcmp(format, "luks") == 0) {
        /* libvirt's view: a raw volume whose bytes are a LUKS container */
        probe_set(&vol->format, "raw");
        probe_set(&vol->encryption, "luks");
    } else {
        probe_set(&vol->format, format);
    }
    return 0;
}

int storage_file_vol_stat(storage_vol_def *vol)
{
    struct stat st;

    if (!vol->path || stat(vol->path, &st) < 0) {
        error_report_system(VIREO_FROM_STORAGE, errno, "cannot stat volume '%s'",
                            vol->path ? vol->path : vol->name);
        return -1;
    }
    probe_stat_fill(vol, &st);
    if (S_ISREG(st.st_mode) && vol->format && strcmp(vol->format, "raw") == 0 && !vol->encryption)
        vol->capacity = (uint64_t)st.st_size;
    return 0;
}

storage_vol_def *storage_file_vol_new(const char *name)
{
    storage_vol_def *vol = g_new0(storage_vol_def, 1);

    vol->source = g_ptr_array_new();
    vol->perms.mode = vol->backing_perms.mode = -1;
    vol->perms.owner = vol->perms.group = -1;
    vol->backing_perms.owner = vol->backing_perms.group = -1;
    vol->name = g_strdup(name);
    return vol;
}

static int vol_name_cmp(gconstpointer a, gconstpointer b)
{
    const storage_vol_def *x = *(storage_vol_def *const *)a, *y = *(storage_vol_def *const *)b;

    return strcmp(x->name, y->name);
}

int storage_file_vol_list(const char *dir, GPtrArray *vols)
{
    g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func((GDestroyNotify)storage_vol_free);
    DIR *d = opendir(dir);
    struct dirent *ent;

    if (!d) {
        error_report_system(VIREO_FROM_STORAGE, errno, "cannot open directory '%s'", dir);
        return -1;
    }
    while ((errno = 0, ent = readdir(d))) {
        g_autofree char *path = NULL;
        storage_vol_def *vol;
        int rc;

        if (strcmp(ent->d_name, ".") == 0 || strcmp(ent->d_name, "..") == 0)
            continue;
        path = g_build_filename(dir, ent->d_name, NULL);
        vol = storage_file_vol_new(ent->d_name);
        rc = storage_file_vol_probe(path, vol);
        if (rc == -1) {
            /* one unreadable file must not hide the others */
            log_warn("%s: skipped: %s", path, error_last() ? error_last()->message : "");
            error_reset();
        }
        if (rc < 0) {
            storage_vol_free(vol);
            continue;
        }
        g_ptr_array_add(found, vol);
    }
    if (errno) {
        error_report_system(VIREO_FROM_STORAGE, errno, "cannot read directory '%s'", dir);
        closedir(d);
        return -1;
    }
    closedir(d);
    g_ptr_array_sort(found, vol_name_cmp);
    for (guint i = 0; i < found->len; i++)
        g_ptr_array_add(vols, g_steal_pointer(&found->pdata[i]));
    g_ptr_array_set_size(found, 0);
    return 0;
}
