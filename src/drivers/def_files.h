/*
 * def_files.h: the files of named definitions that can be persistent,
 * autostarted and active (storage pools, networks), in libvirt's layout:
 *
 *   config_dir/NAME.xml      persistent (file_write_atomic: durable)
 *   autostart_dir/NAME.xml   a symlink to it: start with the node
 *   run_dir/NAME.xml         an active one's live definition
 *                            (file_write_runtime)
 *
 * Errors come from from (VIREO_FROM_STORAGE, ...); kind ("pool",
 * "network") names the object in log lines.
 */
#ifndef VIREO_DRIVERS_DEF_FILES_H
#define VIREO_DRIVERS_DEF_FILES_H

#include <glib.h>
#include <stdbool.h>

typedef struct def_files {
    const char *kind;     /* static */
    int from;
    char *config_dir;     /* owned */
    char *autostart_dir;  /* owned */
    char *run_dir;        /* owned */
} def_files;

/* autostart_dir is config_dir/autostart */
void def_files_init(def_files *f, const char *kind, int from, const char *config_dir,
                    const char *run_dir);
void def_files_clear(def_files *f);
/* Make the three folders and remove what a write cut short left in
 * them; -1 with the error */
int def_files_mkdirs(const def_files *f);

int def_files_save_config(const def_files *f, const char *name, const char *xml);
/* The config file and its autostart link */
int def_files_remove_config(const def_files *f, const char *name);
int def_files_save_run(const def_files *f, const char *name, const char *xml);
/* Logged, never an error: the run file goes with the object anyway */
void def_files_remove_run(const def_files *f, const char *name);
int def_files_set_autostart(const def_files *f, const char *name, bool on);
bool def_files_autostart(const def_files *f, const char *name);

/* For each DIR/NAME.xml (hidden files left out): parse(xml) (a new
 * definition or NULL with the error), then call(def, opaque), which takes
 * def, when name_of(def) is NAME; the others are logged and freed. */
void def_files_load(const def_files *f, const char *dir, void *(*parse)(const char *xml),
                    const char *(*name_of)(const void *def), GDestroyNotify free_def,
                    void (*call)(void *def, void *opaque), void *opaque);

#endif
