/*
 * typed_param.c: typed parameters, public form <-> wire form.
 *
 * libvirt's wire carries each one as its field name and a union whose
 * discriminant is the VIR_TYPED_PARAM_* type; a boolean travels as an
 * int.  Strings are only sent to peers that asked for
 * TYPED_PARAM_STRING, which every client we know does.
 */
#include <stdbool.h>
#include <string.h>

#include <glib.h>

#include "rpc/typed_param.h"
#include "util/error.h"

void typed_param_to_wire(const vireo_typed_param *params, int n, remote_typed_param **val,
                         u_int *len)
{
    remote_typed_param *out = g_new0(remote_typed_param, n > 0 ? n : 1);

    for (int i = 0; i < n; i++) {
        const vireo_typed_param *p = &params[i];
        remote_typed_param_value *v = &out[i].value;

        out[i].field = g_strndup(p->field, sizeof(p->field));
        v->type = p->type;
        switch (p->type) {
        case VIREO_TYPED_PARAM_INT: v->remote_typed_param_value_u.i = p->value.i; break;
        case VIREO_TYPED_PARAM_UINT: v->remote_typed_param_value_u.ui = p->value.ui; break;
        case VIREO_TYPED_PARAM_LLONG: v->remote_typed_param_value_u.l = p->value.l; break;
        case VIREO_TYPED_PARAM_ULLONG: v->remote_typed_param_value_u.ul = p->value.ul; break;
        case VIREO_TYPED_PARAM_DOUBLE: v->remote_typed_param_value_u.d = p->value.d; break;
        case VIREO_TYPED_PARAM_BOOLEAN: v->remote_typed_param_value_u.b = p->value.b; break;
        case VIREO_TYPED_PARAM_STRING:
            v->remote_typed_param_value_u.s = g_strdup(p->value.s ? p->value.s : "");
            break;
        default:
            /* a driver bug: send it as a harmless empty string */
            v->type = VIREO_TYPED_PARAM_STRING;
            v->remote_typed_param_value_u.s = g_strdup("");
            break;
        }
    }
    *val = out;
    *len = (u_int)n;
}

/* One wire param into p; false when the peer sent something we cannot hold. */
static bool typed_param_one(const remote_typed_param *w, vireo_typed_param *p)
{
    const remote_typed_param_value *v = &w->value;

    if (!w->field || strlen(w->field) >= sizeof(p->field))
        return false;
    memcpy(p->field, w->field, strlen(w->field) + 1);
    p->type = v->type;
    switch (v->type) {
    case VIREO_TYPED_PARAM_INT: p->value.i = v->remote_typed_param_value_u.i; break;
    case VIREO_TYPED_PARAM_UINT: p->value.ui = v->remote_typed_param_value_u.ui; break;
    case VIREO_TYPED_PARAM_LLONG: p->value.l = v->remote_typed_param_value_u.l; break;
    case VIREO_TYPED_PARAM_ULLONG: p->value.ul = v->remote_typed_param_value_u.ul; break;
    case VIREO_TYPED_PARAM_DOUBLE: p->value.d = v->remote_typed_param_value_u.d; break;
    case VIREO_TYPED_PARAM_BOOLEAN: p->value.b = v->remote_typed_param_value_u.b ? 1 : 0; break;
    case VIREO_TYPED_PARAM_STRING:
        p->value.s = g_strdup(v->remote_typed_param_value_u.s ? v->remote_typed_param_value_u.s
                                                              : "");
        break;
    default:
        return false;
    }
    return true;
}

int typed_param_from_wire(const remote_typed_param *val, u_int len, vireo_typed_param **params,
                          int *n)
{
    vireo_typed_param *out = g_new0(vireo_typed_param, len > 0 ? len : 1);

    for (u_int i = 0; i < len; i++) {
        if (!typed_param_one(&val[i], &out[i])) {
            error_report(VIREO_FROM_RPC, VIREO_ERR_RPC,
                         "typed parameter %u ('%.80s') has an unknown type %d or a name too long",
                         i, val[i].field ? val[i].field : "", val[i].value.type);
            typed_param_free(out, (int)i);
            return -1;
        }
    }
    *params = out;
    *n = (int)len;
    return 0;
}

void typed_param_free(vireo_typed_param *params, int n)
{
    if (!params)
        return;
    for (int i = 0; i < n; i++) {
        if (params[i].type == VIREO_TYPED_PARAM_STRING)
            g_free(params[i].value.s);
    }
    g_free(params);
}
