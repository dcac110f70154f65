/*
 * network_define.c: what define and create fill in a client's
 * definition (UUID, bridge name, bridge MAC) and the clashes they
 * refuse, with libvirt's codes and texts.
 */
#include <string.h>

#include "drivers/network/network_priv.h"
#include "util/error.h"
#include "util/mac.h"
#include "util/netdev.h"
#include "util/uuid.h"

/* Whether another network than name has bridge, with state->lock held */
static bool bridge_used_locked(network_state *state, const char *bridge, const char *name)
{
    GHashTableIter it;
    gpointer value;

    g_hash_table_iter_init(&it, state->nets);
    while (g_hash_table_iter_next(&it, NULL, &value)) {
        network_obj *obj = value;
        const network_def *defs[] = { obj->config, obj->live, obj->starting };

        if (strcmp(obj->name, name) == 0)
            continue;
        for (size_t i = 0; i < G_N_ELEMENTS(defs); i++)
            if (defs[i] && defs[i]->bridge && strcmp(defs[i]->bridge, bridge) == 0)
                return true;
    }
    return false;
}

/* The lowest name of template (one %d) no network and no device uses */
static int bridge_allocate(network_state *state, network_def *def, const char *template)
{
    for (int n = 0; n < 1024; n++) {
        const char *at = strstr(template, "%d");
        g_autofree char *name = g_strdup_printf("%.*s%d%s", (int)(at - template), template, n,
                                                at + 2);
        bool used;

        g_mutex_lock(&state->lock);
        used = bridge_used_locked(state, name, def->name);
        g_mutex_unlock(&state->lock);
        if (!used && !netdev_exists(name)) {
            g_free(def->bridge);
            def->bridge = g_steal_pointer(&name);
            return 0;
        }
    }
    error_report(VIREO_FROM_NETWORK, VIREO_ERR_INTERNAL_ERROR,
                 "Bridge generation exceeded max id %d", 1024);
    return -1;
}

/* The template must have exactly one %d and nothing else printf reads */
static bool template_ok(const char *t)
{
    const char *p = strchr(t, '%');

    return p && p[1] == 'd' && !strchr(p + 2, '%') && strlen(t) < 14;
}

/* A redefinition without <bridge> or <mac> keeps what the network of
 * that name has (its running bridge would otherwise look taken) */
static void keep_existing(network_state *state, network_def *def)
{
    g_autoptr(network_obj) obj = network_obj_lookup(state, def->name);
    const network_def *old;

    if (!obj)
        return;
    g_mutex_lock(&state->lock);
    old = obj->config ? obj->config : obj->live;
    if (old && network_mode_has_bridge(old->forward)) {
        if (!def->bridge && old->bridge)
            def->bridge = g_strdup(old->bridge);
        if (!def->mac && old->mac)
            def->mac = g_strdup(old->mac);
    }
    g_mutex_unlock(&state->lock);
}

int network_define_prepare(network_state *state, network_def *def)
{
    bool used;

    if (uuid_is_null(def->uuid))
        uuid_generate(def->uuid);
    if (!network_mode_has_bridge(def->forward))
        return 0;
    keep_existing(state, def);
    if (!def->bridge || strchr(def->bridge, '%')) {
        const char *template = def->bridge ? def->bridge : "virbr%d";

        if (!template_ok(template)) {
            error_report(VIREO_FROM_NETWORK, VIREO_ERR_XML_ERROR,
                         "invalid bridge name template '%s' in network '%s'", template,
                         def->name);
            return -1;
        }
        if (bridge_allocate(state, def, template) < 0)
            return -1;
    } else {
        g_mutex_lock(&state->lock);
        used = bridge_used_locked(state, def->bridge, def->name);
        g_mutex_unlock(&state->lock);
        if (used) {
            error_report(VIREO_FROM_NETWORK, VIREO_ERR_INTERNAL_ERROR,
                         "bridge name '%s' already in use.", def->bridge);
            return -1;
        }
    }
    if (!def->mac) {
        unsigned char mac[MAC_BUFLEN];
        char text[MAC_STRING_BUFLEN];

        mac_generate(mac);
        mac_format(mac, text);
        def->mac = g_strdup(text);
    }
    return 0;
}

int network_define_check_duplicate(network_state *state, const network_def *def,
                                   network_obj **existing)
{
    g_autoptr(network_obj) by_uuid = network_obj_lookup_uuid(state, def->uuid);
    g_autoptr(network_obj) by_name = NULL;
    char text[VIREO_UUID_STRING_BUFLEN];

    *existing = NULL;
    if (by_uuid) {
        if (strcmp(by_uuid->name, def->name) != 0) {
            uuid_format(by_uuid->uuid, text);
            error_report(VIREO_FROM_NETWORK, VIREO_ERR_OPERATION_FAILED,
                         "network '%s' is already defined with uuid %s", by_uuid->name, text);
            return -1;
        }
        *existing = g_steal_pointer(&by_uuid);
        return 0;
    }
    by_name = network_obj_lookup(state, def->name);
    if (by_name) {
        uuid_format(by_name->uuid, text);
        error_report(VIREO_FROM_NETWORK, VIREO_ERR_OPERATION_FAILED,
                     "network '%s' already exists with uuid %s", def->name, text);
        return -1;
    }
    return 0;
}
