/*
 * test-qemu-save: the pieces of save/restore that need no guest: the
 * image header (complete, interrupted, foreign, truncated, future
 * version, missing), qemu.conf's two keys, the compressor children, and
 * passing a descriptor to QEMU's monitor (SCM_RIGHTS) against a fake
 * QMP server.  The guest round trips are tests/qemu/test-save.sh.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <jansson.h>

#include "check.h"
#include "drivers/qemu/qemu_save.h"
#include "util/error.h"

static char *dir;

static char *path_in(const char *name)
{
    return g_build_filename(dir, name, NULL);
}

static bool error_is(int code, const char *needle)
{
    const vireo_error *e = error_last();
    bool ok = e && e->code == code && e->message && strstr(e->message, needle);

    if (!ok)
        NOTE("error: %d %s", e ? e->code : 0, e && e->message ? e->message : "(none)");
    error_reset();
    return ok;
}

static void test_image(void)
{
    g_autofree char *p = path_in("img");
    g_auto(qemu_save_image) img = { .fd = -1 };
    char buf[6] = { 0 };
    bool incomplete;
    int fd = qemu_save_image_create(p, "<domain/>", true, QEMU_SAVE_GZIP);

    CHECK(fd >= 0, "create an image");
    CHECK(write(fd, "STREAM", 6) == 6, "the stream follows the header");
    CHECK(qemu_save_image_open(p, &img, &incomplete) < 0 && incomplete &&
              error_is(VIREO_ERR_OPERATION_FAILED, "incomplete"),
          "before finish it is an incomplete image");
    qemu_save_image_clear(&img);
    CHECK(qemu_save_image_finish(fd, p) == 0, "finish it");
    close(fd);
    CHECK(qemu_save_image_open(p, &img, &incomplete) == 0, "open the finished image");
    CHECK(img.hdr.was_running == 1 && img.hdr.compressed == QEMU_SAVE_GZIP &&
              img.hdr.version == QEMU_SAVE_VERSION && strcmp(img.xml, "<domain/>") == 0,
          "header and XML read back");
    CHECK(read(img.fd, buf, 5) == 5 && strcmp(buf, "STREA") == 0,
          "the descriptor is left at the stream");
}

static void write_bad(const char *name, const void *data, size_t len)
{
    g_autofree char *p = path_in(name);

    g_file_set_contents(p, data, (gssize)len, NULL);
}

static bool open_fails(const char *name, int code, const char *needle)
{
    g_autofree char *p = path_in(name);
    g_auto(qemu_save_image) img = { .fd = -1 };
    bool incomplete;

    return qemu_save_image_open(p, &img, &incomplete) < 0 && error_is(code, needle);
}

static void test_bad_images(void)
{
    qemu_save_header h = { .version = 99, .data_len = 10 };
    char junk[200];

    memset(junk, 'x', sizeof(junk));
    write_bad("junk", junk, sizeof(junk));
    CHECK(open_fails("junk", VIREO_ERR_OPERATION_FAILED, "junk' is not a save image"),
          "a file that is not an image: OPERATION_FAILED naming it");
    write_bad("short", "LibvirtQemudSave", 16);
    CHECK(open_fails("short", VIREO_ERR_OPERATION_FAILED, "short' is too short"),
          "a truncated header");
    memcpy(h.magic, QEMU_SAVE_MAGIC, 16);
    write_bad("v99", &h, sizeof(h));
    CHECK(open_fails("v99", VIREO_ERR_OPERATION_FAILED, "version is not supported"),
          "a version from the future");
    h.version = 2;
    h.data_len = QEMU_SAVE_XML_MAX + 1;
    write_bad("huge", &h, sizeof(h));
    CHECK(open_fails("huge", VIREO_ERR_OPERATION_FAILED, "invalid XML length"),
          "an absurd XML length");
    h.data_len = 100;
    write_bad("cut", &h, sizeof(h));
    CHECK(open_fails("cut", VIREO_ERR_OPERATION_FAILED, "truncated"), "XML cut short");
    CHECK(open_fails("missing", VIREO_ERR_SYSTEM_ERROR, "missing'"),
          "a missing file: SYSTEM_ERROR naming it");
}

static void test_conf(void)
{
    g_autofree char *etc = path_in("etc/libvirt");
    g_autofree char *conf = g_build_filename(etc, "qemu.conf", NULL);
    qemu_drv drv = { .doms.config_dir = g_build_filename(etc, "qemu", NULL) };

    g_mkdir_with_parents(drv.doms.config_dir, 0700);
    CHECK(qemu_save_conf_format(&drv, "save_image_format") == QEMU_SAVE_RAW,
          "no qemu.conf: raw");
    g_file_set_contents(conf, "# save_image_format = \"gzip\"\n  save_image_format = \"xz\"\n"
                        "dump_image_format=\"zstd\"\n", -1, NULL);
    CHECK(qemu_save_conf_format(&drv, "save_image_format") == QEMU_SAVE_XZ,
          "save_image_format = \"xz\" (a comment before it ignored)");
    CHECK(qemu_save_conf_format(&drv, "dump_image_format") == QEMU_SAVE_ZSTD,
          "dump_image_format=\"zstd\" without spaces");
    g_file_set_contents(conf, "save_image_format = \"rar\"\n", -1, NULL);
    CHECK(qemu_save_conf_format(&drv, "save_image_format") < 0 &&
              error_is(VIREO_ERR_CONFIG_UNSUPPORTED, "'rar'"),
          "an unknown format is refused, naming it");
    g_free(drv.doms.config_dir);
}

/* Run text through format's compressor then decompressor (files). */
static void test_filters(void)
{
    g_autofree char *in = path_in("plain"), *mid = path_in("packed"), *out = path_in("unpacked");
    g_autofree char *back = NULL;
    int fin, fmid, fout;
    GPid pid;

    g_file_set_contents(in, "the guest's memory\n", -1, NULL);
    fin = open(in, O_RDONLY);
    fmid = open(mid, O_RDWR | O_CREAT | O_TRUNC, 0600);
    pid = qemu_save_filter_start(QEMU_SAVE_GZIP, false, fin, fmid);
    CHECK(pid > 0 && qemu_save_filter_wait(pid, QEMU_SAVE_GZIP, false, mid) == 0, "gzip -c");
    lseek(fmid, 0, SEEK_SET);
    fout = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    pid = qemu_save_filter_start(QEMU_SAVE_GZIP, true, fmid, fout);
    CHECK(pid > 0 && qemu_save_filter_wait(pid, QEMU_SAVE_GZIP, false, out) == 0, "gzip -dc");
    CHECK(g_file_get_contents(out, &back, NULL, NULL) && strcmp(back, "the guest's memory\n") == 0,
          "the round trip keeps the bytes");
    lseek(fin, 0, SEEK_SET);
    pid = qemu_save_filter_start(QEMU_SAVE_GZIP, true, fin, fout);
    CHECK(pid > 0 && qemu_save_filter_wait(pid, QEMU_SAVE_GZIP, false, out) < 0 &&
              error_is(VIREO_ERR_OPERATION_FAILED, "gzip failed"),
          "a decompressor fed garbage fails, naming itself");
    close(fin);
    close(fmid);
    close(fout);
    if (g_find_program_in_path("lzop") == NULL)
        CHECK(qemu_save_filter_start(QEMU_SAVE_LZOP, false, 0, 1) < 0 &&
                  error_is(VIREO_ERR_OPERATION_FAILED, "'lzop'"),
              "a compressor that is not installed: named in the error");
    else
        SKIP("a missing compressor is named", "lzop is installed");
}

/* ---- passing a descriptor: a fake QMP server on a socketpair ---- */

typedef struct fake {
    int sock;
    int got_fd;             /* the descriptor that came with getfd, or -1 */
    bool fd_with_getfd;     /* it arrived in the same read as the getfd line */
} fake;

static void fake_reply(int sock, json_t *msg)
{
    g_autofree char *line = g_strdup_printf("{\"return\": {}, \"id\": %" JSON_INTEGER_FORMAT "}\n",
                                            json_integer_value(json_object_get(msg, "id")));

    if (write(sock, line, strlen(line)) < 0)
        NOTE("fake server: write failed");
}

static gpointer fake_run(gpointer data)
{
    fake *f = data;
    GString *in = g_string_new(NULL);
    const char *greeting = "{\"QMP\": {\"version\": {}, \"capabilities\": []}}\n";
    int answered = 0;

    if (write(f->sock, greeting, strlen(greeting)) < 0)
        return NULL;
    while (answered < 2) {
        union { char buf[CMSG_SPACE(sizeof(int))]; struct cmsghdr align; } ctl;
        char chunk[4096];
        struct iovec iov = { chunk, sizeof(chunk) };
        struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf,
                              .msg_controllen = sizeof(ctl.buf) };
        ssize_t n = recvmsg(f->sock, &msg, 0);
        struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
        bool fd_here = false;
        char *nl;

        if (n <= 0)
            break;
        if (c && c->cmsg_type == SCM_RIGHTS) {
            memcpy(&f->got_fd, CMSG_DATA(c), sizeof(int));
            fd_here = true;
        }
        g_string_append_len(in, chunk, n);
        while ((nl = strchr(in->str, '\n'))) {
            json_t *m = json_loadb(in->str, nl - in->str, 0, NULL);
            const char *cmd = json_string_value(json_object_get(m, "execute"));

            if (cmd && strcmp(cmd, "getfd") == 0) {
                f->fd_with_getfd = fd_here;
                answered++;
            } else if (cmd && strcmp(cmd, "qmp_capabilities") == 0) {
                answered++;
            }
            fake_reply(f->sock, m);
            json_decref(m);
            g_string_erase(in, 0, nl - in->str + 1);
        }
    }
    g_string_free(in, TRUE);
    return NULL;
}

static gpointer loop_run(gpointer data)
{
    g_main_loop_run(data);
    return NULL;
}

static void test_pass_fd(void)
{
    GMainContext *ctx = g_main_context_new();
    GMainLoop *loop = g_main_loop_new(ctx, FALSE);
    GThread *io = g_thread_new("io", loop_run, loop);
    fake f = { .got_fd = -1 };
    int sv[2], pipefd[2];
    GThread *server;
    char buf[8] = { 0 };
    qmp *mon;
    json_t *r;

    CHECK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0 && pipe(pipefd) == 0,
          "a socket pair and a pipe");
    f.sock = sv[1];
    server = g_thread_new("fake-qmp", fake_run, &f);
    mon = qmp_open_fd(sv[0], "fake", ctx, 5000, NULL, NULL, NULL);
    CHECK(mon != NULL, "the monitor greets the fake server");
    r = mon ? qmp_call_fd(mon, "getfd", json_pack("{s:s}", "fdname", "x"), pipefd[1], 5000) : NULL;
    CHECK(r != NULL, "getfd with a descriptor is answered");
    json_decref(r);
    g_thread_join(server);
    CHECK(f.got_fd >= 0 && f.fd_with_getfd, "the descriptor arrived with the getfd line");
    CHECK(f.got_fd >= 0 && write(f.got_fd, "hello", 5) == 5 && read(pipefd[0], buf, 5) == 5 &&
              strcmp(buf, "hello") == 0,
          "it is the caller's pipe");
    CHECK(fcntl(pipefd[1], F_GETFD) >= 0, "the caller keeps its own descriptor");
    qmp_close(mon);
    if (f.got_fd >= 0)
        close(f.got_fd);
    close(sv[1]);
    close(pipefd[0]);
    close(pipefd[1]);
    g_main_loop_quit(loop);
    g_thread_join(io);
    g_main_loop_unref(loop);
    g_main_context_unref(ctx);
}

static void remove_tree(const char *path)
{
    GDir *d = g_dir_open(path, 0, NULL);
    const char *name;

    while (d && (name = g_dir_read_name(d))) {
        g_autofree char *child = g_build_filename(path, name, NULL);

        if (g_file_test(child, G_FILE_TEST_IS_DIR) && !g_file_test(child, G_FILE_TEST_IS_SYMLINK))
            remove_tree(child);
        else
            g_unlink(child);
    }
    if (d)
        g_dir_close(d);
    g_rmdir(path);
}

int main(void)
{
    dir = g_dir_make_tmp("vireo-save-XXXXXX", NULL);
    test_image();
    test_bad_images();
    test_conf();
    test_filters();
    test_pass_fd();
    remove_tree(dir);
    g_free(dir);
    return check_exit();
}
