/*
 * qemu_json.h: jansson values under GLib's g_autoptr, for the QEMU
 * driver's files that build or read QMP and capabilities JSON.
 */
#ifndef VIREO_QEMU_JSON_H
#define VIREO_QEMU_JSON_H

#include <glib.h>
#include <jansson.h>

G_DEFINE_AUTOPTR_CLEANUP_FUNC(json_t, json_decref)

#endif
