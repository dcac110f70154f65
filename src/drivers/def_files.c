/*
 * def_files.c: the files of named definitions (see def_files.h).
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "drivers/def_files.h"
#include "util/error.h"
#include "util/file.h"
#include "util/log.h"

#define LOG_CATEGORY "def_files"

static char *def_path(const char *dir, const char *name)
{
    return g_strdup_printf("%s/%s.xml", dir, name);
}

void def_files_init(def_files *f, const char *kind, int from, const char *config_dir,
                    const char *run_dir)
{
    f->kind = kind;
    f->from = from;
    f->config_dir = g_strdup(config_dir);
    f->autostart_dir = g_build_filename(config_dir, "autostart", NULL);
    f->run_dir = g_strdup(run_dir);
}

void def_files_clear(def_files *f)
{
    g_clear_pointer(&f->config_dir, g_free);
    g_clear_pointer(&f->autostart_dir, g_free);
    g_clear_pointer(&f->run_dir, g_free);
}

int def_files_mkdirs(const def_files *f)
{
    const char *dirs[] = { f->config_dir, f->autostart_dir, f->run_dir };

    for (size_t i = 0; i < G_N_ELEMENTS(dirs); i++) {
        if (g_mkdir_with_parents(dirs[i], 0755) < 0) {
            error_report_system(f->from, errno, "cannot create folder '%s'", dirs[i]);
            return -1;
        }
        file_remove_leftovers(dirs[i]);
    }
    return 0;
}

int def_files_save_config(const def_files *f, const char *name, const char *xml)
{
    g_autofree char *path = def_path(f->config_dir, name);

    return file_write_atomic(path, xml, strlen(xml), 0600, f->from);
}

int def_files_remove_config(const def_files *f, const char *name)
{
    g_autofree char *path = def_path(f->config_dir, name);

    if (def_files_set_autostart(f, name, false) < 0)
        return -1;
    return file_remove_durable(path, f->from);
}

int def_files_save_run(const def_files *f, const char *name, const char *xml)
{
    g_autofree char *path = def_path(f->run_dir, name);

    return file_write_runtime(path, xml, strlen(xml), 0600, f->from);
}

void def_files_remove_run(const def_files *f, const char *name)
{
    g_autofree char *path = def_path(f->run_dir, name);

    if (unlink(path) < 0 && errno != ENOENT)
        log_warn("%s '%s': cannot remove '%s': %s", f->kind, name, path, g_strerror(errno));
}

int def_files_set_autostart(const def_files *f, const char *name, bool on)
{
    g_autofree char *link = def_path(f->autostart_dir, name);
    g_autofree char *target = def_path(f->config_dir, name);

    if (on)
        return file_symlink_atomic(target, link, f->from);
    return file_remove_durable(link, f->from);
}

bool def_files_autostart(const def_files *f, const char *name)
{
    g_autofree char *link = def_path(f->autostart_dir, name);

    return g_file_test(link, G_FILE_TEST_EXISTS);
}

/* The definition in dir/file when it names itself as the file does */
static void *load_file(const def_files *f, const char *dir, const char *file,
                       void *(*parse)(const char *xml), const char *(*name_of)(const void *def),
                       GDestroyNotify free_def)
{
    g_autofree char *path = g_build_filename(dir, file, NULL);
    g_autofree char *expect = g_strndup(file, strlen(file) - 4);
    g_autofree char *xml = NULL;
    g_autoptr(GError) gerr = NULL;
    void *def;

    if (!g_file_get_contents(path, &xml, NULL, &gerr)) {
        log_warn("cannot read '%s': %s", path, gerr->message);
        return NULL;
    }
    if (!(def = parse(xml))) {
        log_warn("ignoring '%s': %s", path, error_last() ? error_last()->message : "invalid");
        error_reset();
        return NULL;
    }
    if (strcmp(name_of(def), expect) != 0) {
        log_warn("ignoring '%s': it defines %s '%s'", path, f->kind, name_of(def));
        free_def(def);
        return NULL;
    }
    return def;
}

void def_files_load(const def_files *f, const char *dir, void *(*parse)(const char *xml),
                    const char *(*name_of)(const void *def), GDestroyNotify free_def,
                    void (*call)(void *def, void *opaque), void *opaque)
{
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    const char *file;

    if (!d)
        return;
    /* names first: call may write into dir */
    while ((file = g_dir_read_name(d)))
        if (g_str_has_suffix(file, ".xml") && file[0] != '.')
            g_ptr_array_add(names, g_strdup(file));
    for (guint i = 0; i < names->len; i++) {
        void *def = load_file(f, dir, names->pdata[i], parse, name_of, free_def);

        if (def)
            call(def, opaque);
    }
}
