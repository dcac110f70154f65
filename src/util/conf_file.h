/*
 * conf_file.h: libvirt's configuration file syntax (libvirtd.conf,
 * qemu.conf): "name = value" statements, one a line, with # comments;
 * a value is a quoted string, a number or a [ list ] of values.
 *
 * The reader knows no setting: it hands each statement to a callback,
 * which owns the meaning (daemon/config.c, drivers/qemu/qemu_conf.c).
 */
#ifndef VIREO_UTIL_CONF_FILE_H
#define VIREO_UTIL_CONF_FILE_H

#include <glib.h>

/* libvirt's VIR_ERR_CONF_SYNTAX */
#define CONF_ERR_SYNTAX 33

typedef enum { CONF_STRING, CONF_NUMBER, CONF_LIST } conf_kind;

/* One value, owned by the reader (valid during the callback only). */
typedef struct conf_value {
    conf_kind kind;
    char *str;          /* CONF_STRING */
    long long num;      /* CONF_NUMBER */
    GPtrArray *list;    /* CONF_LIST: of conf_value * */
} conf_value;

/* Where a statement is, for messages. */
typedef struct conf_pos {
    const char *file;
    int line;
} conf_pos;

/* One statement.  0 to go on, -1 (error set) to stop. */
typedef int (*conf_statement_cb)(const char *key, const conf_value *v, const conf_pos *pos,
                                 void *opaque);

/* Read text (from file name, for messages), calling cb per statement.
 * 0, or -1 with the error set (CONF_ERR_SYNTAX "FILE:LINE: ..."). */
int conf_parse(const char *text, const char *name, conf_statement_cb cb, void *opaque);

/* Report CONF_ERR_SYNTAX "FILE:LINE: what" at pos; returns -1. */
int conf_syntax_error(const conf_pos *pos, const char *what);
/* The same for a setting whose value has the wrong type: "setting 'key'
 * expects want".  Returns -1. */
int conf_type_error(const conf_pos *pos, const char *key, const char *want);

/* v as a new string vector; NULL when v is not a list of strings. */
char **conf_value_strv(const conf_value *v);

#endif
