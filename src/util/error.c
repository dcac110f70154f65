/*
 * error.c: the thread's last error.
 *
 * The texts are libvirt's, so a client that prints our messages reads
 * the same words it would from libvirt.
 */
#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include "util/error.h"

static const char *const code_texts[] = {
    [VIREO_ERR_OK] = "",
    [VIREO_ERR_INTERNAL_ERROR] = "internal error",
    [VIREO_ERR_NO_MEMORY] = "out of memory",
    [VIREO_ERR_NO_SUPPORT] = "this function is not supported by the connection driver",
    [4] = "unknown host",
    [VIREO_ERR_NO_CONNECT] = "no connection driver available",
    [VIREO_ERR_INVALID_CONN] = "invalid connection pointer in",
    [VIREO_ERR_INVALID_DOMAIN] = "invalid domain pointer in",
    [VIREO_ERR_INVALID_ARG] = "invalid argument",
    [VIREO_ERR_OPERATION_FAILED] = "operation failed",
    [VIREO_ERR_OS_TYPE] = "unknown OS type",
    [17] = "missing kernel information",
    [18] = "missing root device information",
    [19] = "missing source information",
    [20] = "missing target information",
    [VIREO_ERR_NO_NAME] = "missing name information",
    [VIREO_ERR_NO_OS] = "missing operating system information",
    [23] = "missing devices information",
    [VIREO_ERR_XML_ERROR] = "XML error",
    [VIREO_ERR_DOM_EXIST] = "this domain exists already",
    [VIREO_ERR_OPERATION_DENIED] = "operation forbidden",
    [VIREO_ERR_OPEN_FAILED] = "failed to open",
    [VIREO_ERR_READ_FAILED] = "failed to read",
    [VIREO_ERR_PARSE_FAILED] = "failed to parse",
    [33] = "configuration file syntax error",
    [VIREO_ERR_WRITE_FAILED] = "failed to write",
    [VIREO_ERR_XML_DETAIL] = "", /* libvirt shows the parser's text alone */
    [36] = "invalid network pointer in",
    [37] = "this network exists already",
    [VIREO_ERR_SYSTEM_ERROR] = "system call error",
    [VIREO_ERR_RPC] = "RPC error",
    [40] = "GNUTLS call error",
    [VIREO_ERR_NO_DOMAIN] = "Domain not found",
    [43] = "Network not found",
    [VIREO_ERR_INVALID_MAC] = "invalid MAC address",
    [45] = "authentication failed",
    [49] = "Storage pool not found",
    [50] = "Storage volume not found",
    [54] = "Security model not found",
    [VIREO_ERR_OPERATION_INVALID] = "Requested operation is not valid",
    [57] = "Interface not found",
    [VIREO_ERR_INVALID_INTERFACE] = "invalid interface pointer in",
    [VIREO_ERR_INVALID_NWFILTER] = "invalid nwfilter pointer in",
    [VIREO_ERR_NO_NWFILTER] = "Network filter not found",
    [VIREO_ERR_BUILD_FIREWALL] = "error while building firewall",
    [66] = "Secret not found",
    [VIREO_ERR_CONFIG_UNSUPPORTED] = "unsupported configuration",
    [VIREO_ERR_OPERATION_TIMEOUT] = "Timed out during operation",
    [VIREO_ERR_ARGUMENT_UNSUPPORTED] = "argument unsupported",
    [VIREO_ERR_STORAGE_POOL_BUILT] = "Storage pool already built",
    [78] = "operation aborted",
    [VIREO_ERR_OVERFLOW] = "value too large",
    [VIREO_ERR_OPERATION_UNSUPPORTED] = "Operation not supported",
    [86] = "multiple matching interfaces found",
    [VIREO_ERR_RESOURCE_BUSY] = "resource busy",
    [VIREO_ERR_ACCESS_DENIED] = "access denied",
    [90] = "storage volume already exists",
    [VIREO_ERR_XML_INVALID_SCHEMA] = "XML document failed to validate against schema",
    [99] = "device not found",
    [VIREO_ERR_MULTIPLE_DOMAINS] = "multiple matching domains found",
};

static void error_clear(gpointer p)
{
    error_free(p);
}

static GPrivate last_error = G_PRIVATE_INIT(error_clear);

const char *error_code_text(int code)
{
    if (code >= 0 && code < (int)G_N_ELEMENTS(code_texts) && code_texts[code])
        return code_texts[code];
    return "unknown error";
}

void error_free(vireo_error *err)
{
    if (!err)
        return;
    g_free(err->message);
    g_free(err->str1);
    g_free(err->str2);
    g_free(err->str3);
    g_free(err);
}

void error_set_full(int domain, int code, int level, const char *message,
                    const char *str1, const char *str2, const char *str3, int int1, int int2)
{
    vireo_error *err = g_new0(vireo_error, 1);

    err->domain = domain;
    err->code = code;
    err->level = level;
    err->message = g_strdup(message ? message : error_code_text(code));
    err->str1 = g_strdup(str1);
    err->str2 = g_strdup(str2);
    err->str3 = g_strdup(str3);
    err->int1 = int1;
    err->int2 = int2;
    g_private_replace(&last_error, err);
}

void error_report(int domain, int code, const char *fmt, ...)
{
    const char *text = error_code_text(code);
    g_autofree char *detail = NULL;
    g_autofree char *message = NULL;
    va_list ap;

    if (fmt) {
        va_start(ap, fmt);
        detail = g_strdup_vprintf(fmt, ap);
        va_end(ap);
    }
    if (detail && *text)
        message = g_strdup_printf("%s: %s", text, detail);
    error_set_full(domain, code, VIREO_ERR_LEVEL_ERROR, message ? message : detail, text, detail,
                   NULL, 0, 0);
}

void error_report_system(int domain, int errnum, const char *fmt, ...)
{
    g_autofree char *detail = NULL;
    g_autofree char *message = NULL;
    va_list ap;

    /* libvirt prints system errors without the code's leading text */
    va_start(ap, fmt);
    detail = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    message = g_strdup_printf("%s: %s", detail, g_strerror(errnum));
    error_set_full(domain, VIREO_ERR_SYSTEM_ERROR, VIREO_ERR_LEVEL_ERROR, message, NULL, detail,
                   NULL, errnum, 0);
}

const vireo_error *error_last(void)
{
    return g_private_get(&last_error);
}

void error_reset(void)
{
    g_private_replace(&last_error, NULL);
}

vireo_error *error_save(void)
{
    vireo_error *err = g_private_get(&last_error);

    if (!err)
        return NULL;
    g_private_set(&last_error, NULL);
    return err;
}

void error_restore(vireo_error *saved)
{
    if (saved)
        g_private_replace(&last_error, saved);
}
