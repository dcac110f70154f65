/*
 * domain_ports.c: a running domain's network ports, by interface.
 */
#define LOG_CATEGORY "domain.ports"

#include <string.h>

#include "drivers/domain_ports.h"
#include "util/error.h"
#include "util/log.h"
#include "util/mac.h"

static char *ports_key(const device_interface *n)
{
    char mac[MAC_STRING_BUFLEN];

    mac_format(n->mac, mac);
    return g_strdup(mac);
}

/* port (taken over) into *ports as n's, the table made on first use */
static void ports_put(GHashTable **ports, const device_interface *n, network_port *port)
{
    if (!*ports)
        *ports = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                       (GDestroyNotify)network_port_free);
    g_hash_table_replace(*ports, ports_key(n), port);
}

void domain_ports_keep(GHashTable **ports, device_interface *n, network_port *port)
{
    memcpy(n->portid, port->uuid, sizeof(n->portid));
    n->has_portid = true;
    g_free(n->source_bridge);
    n->source_bridge = g_strdup(port->bridge);
    ports_put(ports, n, port);
}

network_port *domain_ports_lookup(GHashTable *ports, const device_interface *n)
{
    g_autofree char *key = NULL;

    if (!ports)
        return NULL;
    key = ports_key(n);
    return g_hash_table_lookup(ports, key);
}

void domain_ports_release(GHashTable **ports, struct node_state *node, const domain_def *live,
                          const device_interface *n)
{
    network_port *port = NULL;

    if (*ports) {
        g_autofree char *key = ports_key(n);
        g_autofree char *stolen = NULL;

        g_hash_table_steal_extended(*ports, key, (gpointer *)&stolen, (gpointer *)&port);
    }
    if (!port && strcmp(n->type, "network") == 0 && n->has_portid && live)
        port = network_port_reacquire(node, n->source_network, n->portid, n->mac, live->name,
                                      live->uuid);
    if (port)
        network_port_release(node, port);
}

void domain_ports_readopt(GHashTable **ports, struct node_state *node, const domain_def *live,
                          const device_interface *n)
{
    network_port *port;

    if (strcmp(n->type, "network") != 0 || !n->has_portid)
        return;
    port = network_port_reacquire(node, n->source_network, n->portid, n->mac, live->name,
                                  live->uuid);
    if (!port) {
        log_warn("%s: cannot take back the port of its interface on network '%s': %s",
                 live->name, n->source_network, error_last() ? error_last()->message : "?");
        error_reset();
        return;
    }
    ports_put(ports, n, port);
}
