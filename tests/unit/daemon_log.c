/* daemon_log.c: libvirt-style log filters and outputs (util/log). */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "util/error.h"
#include "util/log.h"

#define LOG_CATEGORY "daemon.test"

static void test_filters(void)
{
    log_reset();
    CHECK(log_threshold("daemon.client") == 3, "default threshold is 3 (warning)");
    CHECK(log_set_filters("1:daemon.client 4:event 2:qemu.*") == 0, "filters parse");
    CHECK(log_threshold("daemon.client") == 1, "a filter names its category");
    CHECK(log_threshold("daemon.events") == 4, "a filter matches text inside a category");
    CHECK(log_threshold("qemu.monitor") == 2, "a glob filter matches");
    CHECK(log_threshold("remote.driver") == 3, "no filter: the default");
    CHECK(log_enabled(VIREO_LOG_DEBUG, "daemon.client"), "debug passes a 1: filter");
    CHECK(!log_enabled(VIREO_LOG_WARN, "daemon.events"), "a warning stops at a 4: filter");
    CHECK(log_set_filters("1:a 4:a") == 0 && log_threshold("a") == 1, "the first filter wins");
    CHECK(log_set_level(2) == 0 && log_threshold("zzz") == 2, "log_level sets the default");
    CHECK(log_set_level(5) < 0, "level 5 is refused");
    CHECK(log_set_filters("9:x") < 0 && log_threshold("a") == 1,
          "a bad filter is refused and the old ones stay");
    CHECK(log_set_filters("nolevel") < 0, "a filter without a level is refused");
    CHECK(log_set_filters("") == 0 && log_threshold("a") == 2, "empty clears the filters");
}

static void test_outputs(void)
{
    g_autofree char *dir = g_dir_make_tmp("vireo-log-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "out.log", NULL);
    g_autofree char *spec = g_strdup_printf("2:file:%s", path);
    g_autofree char *text = NULL;

    log_reset();
    log_set_level(1);
    CHECK(log_set_outputs(spec) == 0, "a file output opens");
    log_debug("hidden %d", 1);
    log_info("shown %d", 2);
    log_error("also shown");
    CHECK(g_file_get_contents(path, &text, NULL, NULL), "the log file exists");
    CHECK(text && !strstr(text, "hidden"), "below the output's level: not written");
    CHECK(text && strstr(text, "info : daemon.test : shown 2"), "level, category, message");
    CHECK(text && strstr(text, "error : daemon.test : also shown"), "errors written");
    CHECK(log_set_outputs("3:carrier-pigeon") < 0, "an unknown output is refused");
    CHECK(log_set_outputs("1:file:/nonexistent/dir/x.log") < 0, "an unwritable file is refused");
    CHECK(log_set_outputs("3:stderr 1:syslog:vireod-test") == 0, "stderr and syslog parse");
    log_reset();
    unlink(path);
    rmdir(dir);
}

int main(void)
{
    test_filters();
    test_outputs();
    return check_exit();
}
