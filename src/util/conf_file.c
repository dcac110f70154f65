/*
 * conf_file.c: a small reader for libvirt's configuration syntax (GLib's
 * key files do not fit: no groups, quoted strings, lists).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>

#include "util/conf_file.h"
#include "util/error.h"

/* The reader's position in the text. */
typedef struct conf_reader {
    const char *p;
    conf_pos pos;
} conf_reader;

static void conf_value_free(gpointer p)
{
    conf_value *v = p;

    if (!v)
        return;
    g_free(v->str);
    if (v->list)
        g_ptr_array_unref(v->list);
    g_free(v);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(conf_value, conf_value_free)

int conf_syntax_error(const conf_pos *pos, const char *what)
{
    error_report(VIREO_FROM_CONF, CONF_ERR_SYNTAX, "%s:%d: %s", pos->file, pos->line, what);
    return -1;
}

int conf_type_error(const conf_pos *pos, const char *key, const char *want)
{
    g_autofree char *what = g_strdup_printf("setting '%s' expects %s", key, want);

    return conf_syntax_error(pos, what);
}

/* Skip blanks, comments and (when newlines) line ends. */
static void conf_skip(conf_reader *r, bool newlines)
{
    for (;;) {
        if (*r->p == ' ' || *r->p == '\t' || *r->p == '\r') {
            r->p++;
        } else if (*r->p == '#') {
            while (*r->p && *r->p != '\n')
                r->p++;
        } else if (newlines && *r->p == '\n') {
            r->p++;
            r->pos.line++;
        } else {
            return;
        }
    }
}

static conf_value *conf_read_value(conf_reader *r);

static conf_value *conf_read_string(conf_reader *r)
{
    char quote = *r->p++;
    const char *start = r->p;
    conf_value *v;

    while (*r->p && *r->p != quote && *r->p != '\n')
        r->p++;
    if (*r->p != quote) {
        conf_syntax_error(&r->pos, "unterminated string");
        return NULL;
    }
    v = g_new0(conf_value, 1);
    v->kind = CONF_STRING;
    v->str = g_strndup(start, r->p - start);
    r->p++;
    return v;
}

static conf_value *conf_read_number(conf_reader *r)
{
    char *end;
    long long n;
    conf_value *v;

    errno = 0;
    n = strtoll(r->p, &end, 10);
    if (end == r->p || errno) {
        conf_syntax_error(&r->pos, "expected a string, a number or a list");
        return NULL;
    }
    r->p = end;
    v = g_new0(conf_value, 1);
    v->kind = CONF_NUMBER;
    v->num = n;
    return v;
}

static conf_value *conf_read_list(conf_reader *r)
{
    g_autoptr(conf_value) v = g_new0(conf_value, 1);

    v->kind = CONF_LIST;
    v->list = g_ptr_array_new_with_free_func(conf_value_free);
    r->p++;
    for (;;) {
        conf_value *item;

        conf_skip(r, true);
        if (*r->p == ']')
            break;
        if (!(item = conf_read_value(r)))
            return NULL;
        g_ptr_array_add(v->list, item);
        conf_skip(r, true);
        if (*r->p == ',')
            r->p++;
        else if (*r->p != ']') {
            conf_syntax_error(&r->pos, "expected ',' or ']' in a list");
            return NULL;
        }
    }
    r->p++;
    return g_steal_pointer(&v);
}

static conf_value *conf_read_value(conf_reader *r)
{
    if (*r->p == '"' || *r->p == '\'')
        return conf_read_string(r);
    if (*r->p == '[')
        return conf_read_list(r);
    return conf_read_number(r);
}

/* One "name = value" statement; r is at the name. */
static int conf_read_statement(conf_reader *r, conf_statement_cb cb, void *opaque)
{
    const char *start = r->p;
    g_autofree char *key = NULL;
    g_autoptr(conf_value) v = NULL;
    conf_pos pos;

    while (g_ascii_isalnum(*r->p) || *r->p == '_' || *r->p == '.')
        r->p++;
    if (r->p == start || !(g_ascii_isalpha(*start) || *start == '_'))
        return conf_syntax_error(&r->pos, "expected a setting name");
    key = g_strndup(start, r->p - start);
    pos = r->pos;
    conf_skip(r, false);
    if (*r->p != '=')
        return conf_syntax_error(&r->pos, "expected '=' after the setting name");
    r->p++;
    conf_skip(r, false);
    if (!(v = conf_read_value(r)))
        return -1;
    conf_skip(r, false);
    if (*r->p == ';')
        r->p++;
    conf_skip(r, false);
    if (*r->p && *r->p != '\n')
        return conf_syntax_error(&r->pos, "unexpected text after the value");
    /* a list may span lines: messages name the line of the name */
    return cb(key, v, &pos, opaque);
}

int conf_parse(const char *text, const char *name, conf_statement_cb cb, void *opaque)
{
    conf_reader r = { .p = text, .pos = { .file = name, .line = 1 } };

    for (;;) {
        conf_skip(&r, true);
        if (!*r.p)
            return 0;
        if (conf_read_statement(&r, cb, opaque) < 0)
            return -1;
    }
}

char **conf_value_strv(const conf_value *v)
{
    g_autoptr(GStrvBuilder) b = NULL;

    if (v->kind != CONF_LIST)
        return NULL;
    b = g_strv_builder_new();
    for (guint i = 0; i < v->list->len; i++) {
        const conf_value *item = v->list->pdata[i];

        if (item->kind != CONF_STRING)
            return NULL;
        g_strv_builder_add(b, item->str);
    }
    return g_strv_builder_end(b);
}
