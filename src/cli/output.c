/*
 * output.c: how vireo prints: virsh's "error: " lines, informational
 * lines that -q hides, virsh-style tables, and JSON documents.
 */
#include <stdarg.h>
#include <stdio.h>
#include <jansson.h>

#include "cli/cli.h"

void
cli_error(const char *fmt, ...)
{
    va_list ap;

    fflush(stdout);     /* keep stdout and stderr in order on one terminal */
    fputs("error: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    fflush(stderr);
}

bool
cli_error_lib(void)
{
    const vireo_error *err = vireo_error_last();

    if (!err || err->code == VIREO_ERR_OK)
        return false;
    cli_error("%s", err->message ? err->message : "unknown error");
    vireo_error_reset();
    return true;
}

void
cli_print_extra(const cli_ctl *ctl, const char *fmt, ...)
{
    va_list ap;

    if (ctl->quiet)
        return;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
}

/* Rows of cells; row 0 is the header.  Owns every string. */
struct cli_table {
    guint ncols;
    GPtrArray *rows;    /* of char ** (g_strfreev) */
};

static void
table_add_va(cli_table *t, va_list ap)
{
    char **row = g_new0(char *, t->ncols + 1);

    for (guint i = 0; i < t->ncols; i++) {
        const char *cell = va_arg(ap, const char *);
        row[i] = g_strdup(cell ? cell : "");
    }
    g_ptr_array_add(t->rows, row);
}

cli_table *
cli_table_new(guint ncols, ...)
{
    cli_table *t = g_new0(cli_table, 1);
    va_list ap;

    t->ncols = ncols;
    t->rows = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
    va_start(ap, ncols);
    table_add_va(t, ap);
    va_end(ap);
    return t;
}

void
cli_table_add(cli_table *t, ...)
{
    va_list ap;

    va_start(ap, t);
    table_add_va(t, ap);
    va_end(ap);
}

static void
table_print_row(const cli_table *t, char **row, const glong *width)
{
    g_autoptr(GString) line = g_string_new(" ");

    for (guint c = 0; c < t->ncols; c++) {
        g_string_append(line, row[c]);
        if (c + 1 == t->ncols)
            break;      /* virsh pads every column but the last */
        for (glong n = g_utf8_strlen(row[c], -1); n < width[c]; n++)
            g_string_append_c(line, ' ');
        g_string_append(line, "   ");
    }
    printf("%s\n", line->str);
}

/* virsh's layout: a space, then the cells padded to the column's widest
 * cell and separated by three spaces; a dash line 2 longer than the row
 * under the header.  Without the header (-q) widths ignore it. */
void
cli_table_print(cli_table *t, bool header)
{
    g_autofree glong *width = g_new0(glong, t->ncols);
    glong total = 1;

    for (guint r = header ? 0 : 1; r < t->rows->len; r++) {
        char **row = t->rows->pdata[r];
        for (guint c = 0; c < t->ncols; c++)
            width[c] = MAX(width[c], g_utf8_strlen(row[c], -1));
    }
    for (guint c = 0; c < t->ncols; c++)
        total += width[c] + (c + 1 < t->ncols ? 3 : 0);
    if (header) {
        table_print_row(t, t->rows->pdata[0], width);
        for (glong n = 0; n < total + 2; n++)
            putchar('-');
        putchar('\n');
    }
    for (guint r = 1; r < t->rows->len; r++)
        table_print_row(t, t->rows->pdata[r], width);
}

void
cli_table_free(cli_table *t)
{
    if (!t)
        return;
    g_ptr_array_unref(t->rows);
    g_free(t);
}

bool
cli_json_print(struct json_t *doc)
{
    char *text;

    if (!doc) {
        cli_error("failed to build JSON output");
        return false;
    }
    text = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(doc);
    if (!text) {
        cli_error("failed to format JSON output");
        return false;
    }
    printf("%s\n", text);
    free(text);
    return true;
}
