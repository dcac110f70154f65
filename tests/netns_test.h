/*
 * netns_test.h: a C test's own network namespace (tests that make
 * bridges, taps and nft tables must never touch the host's network).
 *
 *   const char *why = netns_test_enter();
 *   if (why) { SKIP("everything", why); return 0; }
 *
 * The test process moves into a new network namespace and a new mount
 * namespace whose /sys is a sysfs of the new network namespace (so
 * /sys/class/net shows its devices); loopback is brought up.  All of it
 * goes when the process exits.
 */
#ifndef VIREO_TESTS_NETNS_TEST_H
#define VIREO_TESTS_NETNS_TEST_H

/* the includer defines _GNU_SOURCE before any #include (unshare) */
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mount.h>

/* NULL when in, or why not */
static inline const char *netns_test_enter(void)
{
    if (unshare(CLONE_NEWNET | CLONE_NEWNS) < 0)
        return "cannot unshare a network namespace (not root?)";
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
        return "cannot make / private in the new mount namespace";
    if (mount("sysfs", "/sys", "sysfs", 0, NULL) < 0)
        return "cannot mount a sysfs for the new network namespace";
    if (system("ip link set lo up") != 0)
        return "cannot bring up lo with ip(8)";
    return NULL;
}

/* The output of a shell command (new string, "" on failure) */
static inline char *netns_test_capture(const char *cmd)
{
    GString *out = g_string_new(NULL);
    FILE *p = popen(cmd, "r");
    char buf[4096];
    size_t n;

    if (p) {
        while ((n = fread(buf, 1, sizeof(buf), p)) > 0)
            g_string_append_len(out, buf, (gssize)n);
        pclose(p);
    }
    return g_string_free(out, FALSE);
}

#endif
