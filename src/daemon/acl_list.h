/*
 * acl_list.h: the list procedures' filters (acl_list.c).  Each keeps in
 * objs (a NULL-terminated array of n new handles, from a driver's
 * list_all) the objects the caller may see by the @aclfilter permission
 * of the procedure running on this thread (acl_call_enter), in order,
 * releases the others, and returns the new count.  Nothing changes when
 * the access rules are off.
 */
#ifndef VIREO_DAEMON_ACL_LIST_H
#define VIREO_DAEMON_ACL_LIST_H

#include "daemon/client.h"

int acl_list_domains(daemon_client *c, vireo_domain **objs, int n);
int acl_list_networks(daemon_client *c, vireo_network **objs, int n);
int acl_list_nwfilters(daemon_client *c, vireo_nwfilter **objs, int n);
int acl_list_ifaces(daemon_client *c, vireo_interface **objs, int n);
int acl_list_pools(daemon_client *c, vireo_storage_pool **objs, int n);
int acl_list_vols(daemon_client *c, vireo_storage_vol **objs, int n);
int acl_list_secrets(daemon_client *c, vireo_secret **objs, int n);

#endif
