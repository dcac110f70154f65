/* Unit tests for src/util: UUIDs, MACs, URIs, errors, strict XML reading, XML writing,
 * crash-only file writes. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "util/error.h"
#include "util/file.h"
#include "util/mac.h"
#include "util/unix_socket.h"
#include "util/uri.h"
#include "util/uuid.h"
#include "util/xml.h"

static void test_uuid(void)
{
    unsigned char u[16], v[16];
    char s[VIREO_UUID_STRING_BUFLEN];

    CHECK(uuid_parse("6695eb01-f6a4-8304-79aa-97f2502e193f", u) == 0, "uuid: parse dashed");
    uuid_format(u, s);
    CHECK(strcmp(s, "6695eb01-f6a4-8304-79aa-97f2502e193f") == 0, "uuid: format round trip");
    CHECK(uuid_parse("6695eb01f6a4830479aa97f2502e193f", v) == 0 && memcmp(u, v, 16) == 0,
          "uuid: parse without dashes");
    CHECK(uuid_parse("zzz", v) < 0, "uuid: refuse garbage");
    CHECK(uuid_parse("6695eb01-f6a4-8304-79aa-97f2502e193f00", v) < 0, "uuid: refuse too long");
    uuid_generate(u);
    CHECK((u[6] >> 4) == 4 && !uuid_is_null(u), "uuid: generated is version 4");
}

static void test_mac(void)
{
    unsigned char m[6], h[6];
    char s[MAC_STRING_BUFLEN];

    mac_generate(m);
    mac_format(m, s);
    CHECK(strncmp(s, "52:54:00:", 9) == 0, "mac: generated in 52:54:00 range (%s)", s);
    CHECK(mac_parse("AA:bb:cc:dd:ee:0f", m) == 0, "mac: parse");
    mac_format(m, s);
    CHECK(strcmp(s, "aa:bb:cc:dd:ee:0f") == 0, "mac: lowercase format");
    CHECK(mac_parse("aa:bb:cc:dd:ee", m) < 0, "mac: refuse short");
    CHECK(mac_parse("aa:bb:cc:dd:ee:ff:00", m) < 0, "mac: refuse long");
    CHECK(mac_parse("52:54:00:12:34:56", m) == 0, "mac: parse a guest's");
    mac_host_side(m, h);
    mac_format(h, s);
    CHECK(strcmp(s, "fe:54:00:12:34:56") == 0 && m[0] == 0x52,
          "mac: the host side is the guest's with 0xfe first (%s)", s);
}

static void test_uri(void)
{
    g_autoptr(vireo_uri) a = uri_parse("test:///default");
    g_autoptr(vireo_uri) b = uri_parse("qemu+unix:///system?socket=/tmp/x%20y");
    g_autoptr(vireo_uri) c = uri_parse("qemu+ssh://root@host:2222/system");

    CHECK(a && strcmp(a->driver, "test") == 0 && strcmp(a->path, "/default") == 0 &&
              !a->transport,
          "uri: test:///default");
    CHECK(b && strcmp(b->transport, "unix") == 0 &&
              g_strcmp0(g_hash_table_lookup(b->params, "socket"), "/tmp/x y") == 0,
          "uri: transport and socket parameter");
    CHECK(c && strcmp(c->user, "root") == 0 && strcmp(c->host, "host") == 0 && c->port == 2222,
          "uri: user, host, port");
    CHECK(uri_parse("not a uri") == NULL && error_last()->code == VIREO_ERR_INVALID_ARG,
          "uri: refuse malformed with INVALID_ARG");
}

static void test_error(void)
{
    error_reset();
    CHECK(error_last() == NULL, "error: none after reset");
    error_report(VIREO_FROM_DOMAIN, VIREO_ERR_NO_DOMAIN, "no domain with matching name '%s'", "web");
    CHECK(error_last()->code == 42 && error_last()->domain == 20 &&
              strcmp(error_last()->message,
                     "Domain not found: no domain with matching name 'web'") == 0,
          "error: code, domain and libvirt text");
    g_autoptr(vireo_error) saved = error_save();
    CHECK(error_last() == NULL && saved && saved->code == 42, "error: save takes it aside");
    error_restore(g_steal_pointer(&saved));
    CHECK(error_last() && error_last()->code == 42, "error: restore puts it back");
}

static void test_xml_read(void)
{
    const char *text = "<a x='1' y='2'>\n  <b>hi</b>\n  <c z='no'/>\n</a>";
    g_autoptr(xml_doc) d = xml_doc_parse(text, "t", VIREO_FROM_XML);
    xmlNode *root = d ? xml_doc_root(d, "a") : NULL;
    unsigned int x = 0;

    CHECK(root != NULL, "xml: parse");
    CHECK(xml_attr_uint(d, root, "x", &x) == 1 && x == 1, "xml: uint attribute");
    g_autofree char *b = xml_child_text(d, root, "b");
    CHECK(g_strcmp0(b, "hi") == 0, "xml: child text");
    int rc = xml_doc_check_unused(d);
    CHECK(rc < 0 && strstr(error_last()->message, "'y'"), "xml: unread attribute reported: %s",
          error_last()->message);
    g_autofree char *y G_GNUC_UNUSED = xml_attr(d, root, "y");
    rc = xml_doc_check_unused(d);
    CHECK(rc < 0 && strstr(error_last()->message, "<c>") && strstr(error_last()->message, "line 3"),
          "xml: unread element reported with its line: %s", error_last()->message);
    bool z = true;
    xmlNode *c = xml_child(d, root, "c");
    CHECK(xml_attr_bool(d, c, "z", &z) == 1 && !z, "xml: bool attribute");
    CHECK(xml_doc_check_unused(d) == 0, "xml: all read");

    xml_doc *bad = xml_doc_parse("<a", "doc", VIREO_FROM_XML);
    CHECK(bad == NULL && error_last()->code == VIREO_ERR_XML_DETAIL,
          "xml: malformed gives XML_DETAIL: %s", error_last()->message);
    CHECK(xml_doc_parse("", "doc", VIREO_FROM_XML) == NULL, "xml: empty refused");
}

static void test_xml_write(void)
{
    xml_buf b, attrs, kids;
    g_autofree char *out = NULL;

    xbuf_init(&b, 0);
    xbuf_init(&attrs, 0);
    xbuf_add(&b, "<domain>\n");
    b.indent += 2;
    xbuf_escape(&b, "<name>%s</name>\n", "a<b>&'\"");
    xbuf_init_child(&kids, &b);
    xbuf_attr(&attrs, "type", "file");
    xbuf_element(&b, "empty", &attrs, &kids);
    xbuf_add(&kids, "<x/>\n");
    xbuf_element(&b, "full", &attrs, &kids);
    xbuf_element(&b, "none", &attrs, &kids);
    b.indent -= 2;
    xbuf_add(&b, "</domain>\n");
    out = xbuf_steal(&b);
    CHECK(strcmp(out, "<domain>\n  <name>a&lt;b&gt;&amp;&apos;&quot;</name>\n"
                      "  <empty type='file'/>\n  <full>\n    <x/>\n  </full>\n</domain>\n") == 0,
          "xml: libvirt layout, escaping, empty elements dropped");
    if (check_failures)
        NOTE("%s", out);
    xbuf_clear(&attrs);
    xbuf_clear(&kids);
}

static bool file_has(const char *path, const char *want)
{
    g_autofree char *text = NULL;

    return g_file_get_contents(path, &text, NULL, NULL) && strcmp(text, want) == 0;
}

static void test_file(void)
{
    g_autofree char *dir = g_dir_make_tmp("vireo-file-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "a.xml", NULL);
    g_autofree char *link = g_build_filename(dir, "auto.xml", NULL);
    g_autofree char *leftover = g_build_filename(dir, "a.xml.new-Ab12Cd", NULL);
    g_autofree char *keep = g_build_filename(dir, "b.xml.new-toolong", NULL);
    g_autofree char *target = NULL;
    struct stat st;
    int rc;

    CHECK(file_write_atomic(path, "one", 3, 0600, VIREO_FROM_NONE) == 0 && file_has(path, "one"),
          "file: atomic write creates the file");
    st.st_mode = 0;
    stat(path, &st);
    CHECK((st.st_mode & 0777) == 0600, "file: with its mode (%o)", st.st_mode & 0777);
    CHECK(file_write_runtime(path, "two", 3, 0600, VIREO_FROM_NONE) == 0 && file_has(path, "two"),
          "file: runtime write replaces it");
    rc = file_write_atomic(dir, "x", 1, 0600, VIREO_FROM_NONE);
    CHECK(rc < 0 && error_last() && strstr(error_last()->message, dir),
          "file: replacing a folder fails and names it: %s",
          error_last() ? error_last()->message : "no error");
    error_reset();
    CHECK(file_symlink_atomic(path, link, VIREO_FROM_NONE) == 0 &&
              (target = g_file_read_link(link, NULL)) && strcmp(target, path) == 0,
          "file: symlink made");
    CHECK(file_symlink_atomic(path, link, VIREO_FROM_NONE) == 0, "file: symlink replaced");
    CHECK(file_remove_durable(link, VIREO_FROM_NONE) == 0 && !g_file_test(link, G_FILE_TEST_EXISTS),
          "file: removed");
    CHECK(file_remove_durable(link, VIREO_FROM_NONE) == 0, "file: removing a missing file is fine");
    g_file_set_contents(leftover, "half", -1, NULL);
    g_file_set_contents(keep, "other", -1, NULL);
    CHECK(file_remove_leftovers(dir) == 1 && !g_file_test(leftover, G_FILE_TEST_EXISTS) &&
              g_file_test(keep, G_FILE_TEST_EXISTS) && file_has(path, "two"),
          "file: the temporary of a cut write is removed, nothing else");
    unlink(keep);
    unlink(path);
    rc = rmdir(dir);
    CHECK(rc == 0, "file: no other file was left (%s)", rc == 0 ? "empty" : g_strerror(errno));
}

static void test_unix_socket(void)
{
    g_autofree char *dir = g_dir_make_tmp("vireo-sock-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "s", NULL);
    g_autofree char *longp = g_strnfill(200, 'x');
    struct sockaddr_un sa;
    int lfd, fd, err;

    fd = unix_socket_connect(path);
    err = errno;
    CHECK(fd < 0 && err == ENOENT, "unix socket: nothing there is ENOENT (%s)", g_strerror(err));
    fd = unix_socket_connect(longp);
    err = errno;
    CHECK(fd < 0 && err == ENAMETOOLONG, "unix socket: a path too long is ENAMETOOLONG");
    CHECK(unix_socket_addr(&sa, path) && strcmp(sa.sun_path, path) == 0 &&
              sa.sun_family == AF_UNIX,
          "unix socket: the address holds the path");
    lfd = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK(lfd >= 0 && bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) == 0 && listen(lfd, 1) == 0,
          "unix socket: a listener");
    fd = unix_socket_connect(path);
    CHECK(fd >= 0 && (fcntl(fd, F_GETFD) & FD_CLOEXEC), "unix socket: connected, close-on-exec");
    if (fd >= 0)
        close(fd);
    if (lfd >= 0)
        close(lfd);
    unlink(path);
    rmdir(dir);
}

int main(void)
{
    test_uuid();
    test_mac();
    test_uri();
    test_error();
    test_xml_read();
    test_xml_write();
    test_file();
    test_unix_socket();
    return check_exit();
}
