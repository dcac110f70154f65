/*
 * cgroup_priv.h: file helpers shared by cgroup.c and cgroup_limits.c only.
 */
#ifndef VIREO_UTIL_CGROUP_PRIV_H
#define VIREO_UTIL_CGROUP_PRIV_H

#include <stdbool.h>

/* Write value to dir/file in one write.  -1 with VIREO_ERR_SYSTEM_ERROR
 * naming the value, the file and the kernel's reason. */
int cgroup_write(const char *dir, const char *file, const char *value);
bool cgroup_file_exists(const char *dir, const char *file);
/* dir/file's text, stripped (caller frees); NULL with an error. */
char *cgroup_read_file(const char *dir, const char *file);

#endif
