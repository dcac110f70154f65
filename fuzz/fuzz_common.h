/*
 * fuzz_common.h: what every libFuzzer target in fuzz/ shares (header
 * only: each target is one translation unit plus the libraries).
 *
 * Targets are deterministic and quiet: logs go to /dev/null (a parser
 * that warns on every input would spend the run writing to stderr), the
 * thread's error is reset after each input, and files an input must be
 * read from live in one private temporary folder, removed at exit.
 */
#ifndef VIREO_FUZZ_COMMON_H
#define VIREO_FUZZ_COMMON_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE     /* memmem */
#endif

#include <fcntl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "util/error.h"
#include "util/log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static inline void fuzz_quiet(void)
{
    log_set_level(VIREO_LOG_ERROR);
    log_set_outputs("4:file:/dev/null");
}

/* The LLVMFuzzerInitialize of a target that needs nothing but quiet logs */
#define FUZZ_QUIET_INITIALIZE                                                                      \
    int LLVMFuzzerInitialize(int *argc, char ***argv)                                              \
    {                                                                                              \
        (void)argc;                                                                                \
        (void)argv;                                                                                \
        fuzz_quiet();                                                                              \
        return 0;                                                                                  \
    }

/* The input as a NUL-terminated string (embedded NULs cut it short, as
 * they would for any C caller).  Caller frees. */
static inline char *fuzz_string(const uint8_t *data, size_t size)
{
    return g_strndup((const char *)data, size);
}

static char *fuzz_dir;  /* the private temporary folder (owned) */

static void fuzz_dir_remove(void)
{
    g_autoptr(GDir) d = fuzz_dir ? g_dir_open(fuzz_dir, 0, NULL) : NULL;
    const char *n;

    while (d && (n = g_dir_read_name(d))) {
        g_autofree char *p = g_build_filename(fuzz_dir, n, NULL);

        g_unlink(p);
    }
    if (fuzz_dir)
        g_rmdir(fuzz_dir);
    g_clear_pointer(&fuzz_dir, g_free);
}

/* Create the private folder (once); its path, owned here. */
static inline const char *fuzz_tmpdir(void)
{
    if (!fuzz_dir) {
        fuzz_dir = g_dir_make_tmp("vireo-fuzz-XXXXXX", NULL);
        if (!fuzz_dir)
            abort();
        atexit(fuzz_dir_remove);
    }
    return fuzz_dir;
}

/* Write data to NAME in the private folder; its path (caller frees).
 * Plain writes: g_file_set_contents would fsync on every input. */
static inline char *fuzz_write_file(const char *name, const uint8_t *data, size_t size)
{
    char *path = g_build_filename(fuzz_tmpdir(), name, NULL);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

    if (fd < 0)
        abort();
    while (size > 0) {
        ssize_t n = write(fd, data, size);

        if (n <= 0)
            abort();
        data += n;
        size -= (size_t)n;
    }
    close(fd);
    return path;
}

/* The round-trip rule of every XML target: what vireo wrote (first) it
 * parses back (reparsed), and formats the same again (second); abort()
 * when not, with both texts.  same: whatever else the target compares. */
static inline void fuzz_check_roundtrip(const char *first, bool reparsed, const char *second,
                                        bool same)
{
    if (!first || !reparsed) {
        const vireo_error *e = error_last();

        fprintf(stderr, "vireo's own output does not parse (%s):\n%s\n",
                e ? e->message : "no error", first ? first : "(no output)");
        abort();
    }
    if (!second || strcmp(first, second) != 0 || !same) {
        fprintf(stderr, "format -> parse -> format differs:\n--- first\n%s\n--- second\n%s\n",
                first, second ? second : "(no output)");
        abort();
    }
}

#endif
