/*
 * network_tc_priv.h: what network_tc.c and network_tc_floor.c share.
 */
#ifndef VIREO_DRIVERS_NETWORK_TC_PRIV_H
#define VIREO_DRIVERS_NETWORK_TC_PRIV_H

/* Run tc with args (NULL-terminated, without "tc"); 0, or -1 and *err
 * what tc said (new string, one line) */
int network_tc_run(const char *const *args, char **err);
/* Set the error for tc's refusal (err) of what on ifname:
 * CONFIG_UNSUPPORTED when the kernel lacks the part, else SYSTEM_ERROR */
void network_tc_report(const char *ifname, const char *what, const char *err);
/* tc class VERB (add/change) of an htb class; ceil / burst 0: none */
int network_tc_class(const char *ifname, const char *verb, const char *parent,
                     const char *classid, unsigned long long rate, unsigned long long ceil,
                     unsigned long long burst, char **err);
/* An sfq qdisc handle under classid, when the kernel has sfq */
void network_tc_sfq(const char *ifname, const char *classid, const char *handle);

#endif
