/*
 * storage_file_vol.c: file volumes (src/drivers/storage/storage_file_*.c)
 * made, probed, converted, resized, wiped and deleted with the real
 * qemu-img in a temporary folder.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "conf/storage_pool.h"
#include "conf/storage_vol.h"
#include "drivers/storage/storage_file_vol.h"
#include "util/error.h"
#include "xml_check.h"

#define MiB (1024 * 1024ULL)

static storage_pool_def *pool;
static char *dir;

static storage_vol_def *vol_parse(const char *xml)
{
    storage_vol_def *vol = storage_vol_parse(xml, STORAGE_VOL_PARSE_NO_CAPACITY);

    if (!vol)
        NOTE("parse: %s", error_last() ? error_last()->message : "?");
    return vol;
}

/* A volume made from xml, or NULL (the error noted). */
static storage_vol_def *vol_make(const char *xml, const storage_vol_def *from, unsigned int flags)
{
    storage_vol_def *vol = vol_parse(xml);

    if (vol && storage_file_vol_create(NULL, pool, vol, from, flags) < 0) {
        NOTE("create: %s", error_last() ? error_last()->message : "?");
        storage_vol_free(vol);
        return NULL;
    }
    return vol;
}

static char *qemu_img_format(const char *path)
{
    g_autofree char *cmd = g_strdup_printf("qemu-img info -U --output=json '%s'", path);
    g_autofree char *out = NULL;
    char *p, *end;

    if (!g_spawn_command_line_sync(cmd, &out, NULL, NULL, NULL) || !out)
        return NULL;
    p = strstr(out, "\"format\": \"");
    if (!p)
        return NULL;
    p += strlen("\"format\": \"");
    end = strchr(p, '"');
    return end ? g_strndup(p, (gsize)(end - p)) : NULL;
}

static void test_raw(void)
{
    g_autoptr(storage_vol_def) sparse = NULL, full = NULL, clash = NULL;
    struct stat st;

    sparse = vol_make("<volume><name>sparse.img</name><capacity unit='MiB'>64</capacity>"
                      "<allocation>0</allocation></volume>", NULL, 0);
    CHECK(sparse && stat(sparse->path, &st) == 0 && st.st_size == 64 * MiB && st.st_blocks == 0,
          "raw volume with allocation 0: a 64 MiB sparse file");
    CHECK(sparse && strcmp(sparse->format, "raw") == 0 && sparse->capacity == 64 * MiB &&
          sparse->allocation == 0 && strcmp(sparse->type, "file") == 0 &&
          strcmp(sparse->key, sparse->path) == 0,
          "probed back: raw, capacity 64 MiB, allocation 0, key = path");
    CHECK(sparse && (sparse->perms.mode & 0777) == 0600, "made with libvirt's mode 0600");
    full = vol_make("<volume><name>full.img</name><capacity unit='MiB'>8</capacity></volume>",
                    NULL, 0);
    CHECK(full && full->allocation >= 8 * MiB,
          "raw volume without <allocation>: fully allocated, as libvirt does");
    clash = vol_parse("<volume><name>full.img</name><capacity unit='MiB'>1</capacity></volume>");
    CHECK(clash && storage_file_vol_create(NULL, pool, clash, NULL, 0) < 0 &&
          error_last()->code == VIREO_ERR_STORAGE_VOL_EXIST,
          "a name in use is refused with STORAGE_VOL_EXIST");
    CHECK(full && stat(full->path, &st) == 0 && st.st_size == 8 * MiB,
          "and the existing file is untouched");
    g_clear_pointer(&clash, storage_vol_free);
    clash = vol_parse("<volume><name>ab</name><capacity>1</capacity></volume>");
    if (clash) {
        g_free(clash->name);
        clash->name = g_strdup("../ab");
    }
    CHECK(clash && storage_file_vol_create(NULL, pool, clash, NULL, 0) < 0 &&
          access("../ab", F_OK) < 0, "a name with '/' is refused");
}

static void test_qcow2_backing(void)
{
    g_autoptr(storage_vol_def) base = NULL, top = NULL, plain = NULL;
    g_autofree char *xml = NULL;

    plain = vol_make("<volume><name>plain.qcow2</name><capacity unit='GiB'>2</capacity>"
                     "<target><format type='qcow2'/></target></volume>", NULL, 0);
    CHECK(plain && strcmp(plain->format, "qcow2") == 0 && plain->capacity == 2048 * MiB &&
          plain->allocation < 2 * MiB && plain->compat,
          "qcow2 volume: probed qcow2, 2 GiB virtual, small file, compat %s",
          plain && plain->compat ? plain->compat : "?");
    base = vol_make("<volume><name>base.raw</name><capacity unit='MiB'>32</capacity>"
                    "<allocation>0</allocation></volume>", NULL, 0);
    xml = g_strdup_printf("<volume><name>top.qcow2</name><capacity unit='MiB'>32</capacity>"
                          "<target><format type='qcow2'/></target><backingStore><path>%s</path>"
                          "</backingStore></volume>", base ? base->path : "/none");
    top = vol_make(xml, NULL, 0);
    CHECK(top && top->backing_path && base && strcmp(top->backing_path, base->path) == 0 &&
          top->backing_format && strcmp(top->backing_format, "raw") == 0,
          "qcow2 with a backing store: backing path and probed format raw");
    if (top) {
        g_autofree char *out = storage_vol_format(top, 0);
        g_autofree char *file = g_build_filename(dir, "top.xml", NULL);
        g_autoptr(GPtrArray) files = g_ptr_array_new();

        g_file_set_contents(file, out, -1, NULL);
        g_ptr_array_add(files, file);
        xml_check_schema(files, "storagevol.rng");
        unlink(file);
    }
}

static void test_convert(void)
{
    static const char *const formats[] = { "raw", "qcow2", "vdi", "vmdk", "vhdx", "vpc", "qed" };
    g_autoptr(storage_vol_def) src = NULL;
    int fd;

    src = vol_make("<volume><name>src.img</name><capacity unit='MiB'>16</capacity>"
                   "<allocation>0</allocation></volume>", NULL, 0);
    if (!src)
        return;
    fd = open(src->path, O_WRONLY);
    if (fd >= 0) {
        CHECK(pwrite(fd, "marker", 6, 5 * MiB) == 6, "marker written into the source");
        close(fd);
    }
    for (size_t i = 0; i < G_N_ELEMENTS(formats); i++) {
        g_autofree char *xml = g_strdup_printf("<volume><name>copy.%s</name><capacity>0</capacity>"
                                               "<target><format type='raw'/></target></volume>",
                                               formats[i]);
        g_autoptr(storage_vol_def) copy = vol_parse(xml);
        g_autofree char *real = NULL;
        g_autofree char *cmp = NULL, *cmp_out = NULL;
        int status = -1;

        if (!copy)
            continue;
        g_free(copy->format);
        copy->format = g_strdup(formats[i]);
        copy->capacity = src->capacity;
        if (storage_file_vol_create(NULL, pool, copy, src, 0) < 0) {
            CHECK(false, "convert raw -> %s: %s", formats[i], error_last()->message);
            continue;
        }
        real = qemu_img_format(copy->path);
        CHECK(real && strcmp(real, formats[i]) == 0 && strcmp(copy->format, formats[i]) == 0 &&
              copy->capacity >= 16 * MiB,
              "convert raw -> %s: qemu-img says %s, probe says %s", formats[i],
              real ? real : "?", copy->format);
        cmp = g_strdup_printf("qemu-img compare -U -f raw -F %s '%s' '%s'", formats[i], src->path,
                              copy->path);
        g_spawn_command_line_sync(cmp, &cmp_out, NULL, &status, NULL);
        CHECK(status == 0, "convert raw -> %s: same content (qemu-img compare)", formats[i]);
    }
}

static void test_resize(void)
{
    g_autoptr(storage_vol_def) raw = NULL, q = NULL, probe = storage_file_vol_new("q");
    struct stat st;

    raw = vol_make("<volume><name>grow.img</name><capacity unit='MiB'>4</capacity>"
                   "<allocation>0</allocation></volume>", NULL, 0);
    CHECK(raw && storage_file_vol_resize(NULL, pool, raw, 8 * MiB, 0) == 0 &&
          stat(raw->path, &st) == 0 && st.st_size == 8 * MiB && st.st_blocks == 0,
          "raw grows sparse to 8 MiB");
    CHECK(raw && storage_file_vol_resize(NULL, pool, raw, 12 * MiB,
                                         VIREO_STORAGE_VOL_RESIZE_ALLOCATE) == 0 &&
          stat(raw->path, &st) == 0 && st.st_size == 12 * MiB &&
          (uint64_t)st.st_blocks * 512 >= 4 * MiB,
          "raw grows with ALLOCATE: the new 4 MiB allocated");
    CHECK(raw && storage_file_vol_resize(NULL, pool, raw, 2 * MiB,
                                         VIREO_STORAGE_VOL_RESIZE_SHRINK) == 0 &&
          stat(raw->path, &st) == 0 && st.st_size == 2 * MiB, "raw shrinks with SHRINK");
    q = vol_make("<volume><name>grow.qcow2</name><capacity unit='MiB'>64</capacity>"
                 "<target><format type='qcow2'/></target></volume>", NULL, 0);
    CHECK(q && storage_file_vol_resize(NULL, pool, q, 128 * MiB, 0) == 0 &&
          storage_file_vol_probe(q->path, probe) == 0 && probe->capacity == 128 * MiB,
          "qcow2 grows to 128 MiB (qemu-img resize)");
    CHECK(q && storage_file_vol_resize(NULL, pool, q, 32 * MiB, VIREO_STORAGE_VOL_RESIZE_SHRINK) == 0 &&
          storage_file_vol_probe(q->path, probe) == 0 && probe->capacity == 32 * MiB,
          "qcow2 shrinks to 32 MiB with SHRINK");
}

static void test_wipe_delete_list(void)
{
    g_autoptr(storage_vol_def) vol = NULL;
    g_autoptr(GPtrArray) vols = g_ptr_array_new_with_free_func((GDestroyNotify)storage_vol_free);
    char buf[6] = { 1 };
    struct stat st;
    int fd;
    bool sorted = true;

    vol = vol_make("<volume><name>wipe.img</name><capacity unit='MiB'>4</capacity></volume>",
                   NULL, 0);
    if (!vol)
        return;
    fd = open(vol->path, O_RDWR);
    CHECK(fd >= 0 && pwrite(fd, "secret", 6, MiB) == 6, "data written");
    CHECK(storage_file_vol_wipe(pool, vol, 0) == 0, "wipe succeeds");
    CHECK(fd >= 0 && pread(fd, buf, 6, MiB) == 6 && memcmp(buf, "\0\0\0\0\0\0", 6) == 0,
          "the data reads as zeros after the wipe");
    CHECK(stat(vol->path, &st) == 0 && st.st_size == 4 * MiB && st.st_blocks == 0,
          "the file keeps its size and is all holes");
    if (fd >= 0)
        close(fd);
    CHECK(storage_file_vol_list(dir, vols) == 0 && vols->len >= 10, "the folder lists (%u)",
          vols->len);
    for (guint i = 1; i < vols->len; i++)
        sorted &= strcmp(((storage_vol_def *)vols->pdata[i - 1])->name,
                         ((storage_vol_def *)vols->pdata[i])->name) < 0;
    CHECK(sorted, "sorted by name");
    CHECK(storage_file_vol_delete(pool, vol, 0) == 0 && access(vol->path, F_OK) < 0,
          "delete removes the file");
    CHECK(storage_file_vol_delete(pool, vol, 0) == 0, "deleting a volume already gone succeeds");
}

int main(void)
{
    g_autofree char *xml = NULL;
    g_autofree char *cmd = NULL;
    g_autofree char *qemu_img = g_find_program_in_path("qemu-img");

    if (!qemu_img) {
        SKIP("file volumes", "qemu-img is not installed");
        return 0;
    }
    dir = g_dir_make_tmp("vireo-filevol-XXXXXX", NULL);
    xml = g_strdup_printf("<pool type='dir'><name>t</name><target><path>%s</path></target></pool>",
                          dir);
    pool = storage_pool_parse(xml, 0);
    if (!CHECK(pool != NULL, "pool parses"))
        return check_exit();
    test_raw();
    test_qcow2_backing();
    test_convert();
    test_resize();
    test_wipe_delete_list();
    cmd = g_strdup_printf("rm -rf '%s'", dir);
    g_spawn_command_line_sync(cmd, NULL, NULL, NULL, NULL);
    storage_pool_free(pool);
    g_free(dir);
    return check_exit();
}
