/*
 * nft.h: run nftables commands through libnftables (no nft process).
 *
 * vireo only ever adds and deletes whole tables of its own (names
 * starting "vireo"): see drivers/network/network_firewall.h and
 * drivers/nwfilter.  One script is one nftables transaction: it applies
 * whole or not at all.
 */
#ifndef VIREO_UTIL_NFT_H
#define VIREO_UTIL_NFT_H

#include <stdbool.h>

/* Run script (nft's own syntax, several lines).  On failure: -1 and
 * BUILD_FIREWALL from from_domain, the message what libnftables said
 * (first lines) after what (e.g. "network 'default'"). */
int nft_run(int from_domain, const char *what, const char *script);
/* Run script and return its output (new string; "" when none); NULL
 * with the error as above.  For "list table ..." */
char *nft_run_output(int from_domain, const char *what, const char *script);
/* Whether table (family "inet"/"bridge"/...) exists */
bool nft_table_exists(const char *family, const char *table);
/* nftables can run here (libnftables loaded and the kernel answers a
 * "list tables"); *why says why not (static string) */
bool nft_available(const char **why);

#endif
