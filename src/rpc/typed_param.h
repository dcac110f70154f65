/*
 * typed_param.h: typed parameters between the public form
 * (vireo_typed_param, include/vireo/vireo.h) and the wire form
 * (remote_typed_param, libvirt's XDR union), for both ends: the daemon's
 * statistics handlers and the remote driver's stubs.
 */
#ifndef VIREO_RPC_TYPED_PARAM_H
#define VIREO_RPC_TYPED_PARAM_H

#include "vireo/vireo.h"
#include "rpc/remote_protocol.h"

/* Copy n public params into a new wire array (*val, *len), strings and
 * fields duplicated: the array belongs to the XDR struct it is put in and
 * is freed with it (xdr_free).  Never fails. */
void typed_param_to_wire(const vireo_typed_param *params, int n, remote_typed_param **val,
                         u_int *len);

/* Copy len wire params into a new public array (*params, *n; free with
 * typed_params_free or vireo_typed_params_free).  A field too long or a
 * type unknown is a peer error: -1 with VIREO_ERR_RPC, nothing returned. */
int typed_param_from_wire(const remote_typed_param *val, u_int len, vireo_typed_param **params,
                          int *n);

/* Free n public params and their strings (NULL is a no-op). */
void typed_param_free(vireo_typed_param *params, int n);

#endif
