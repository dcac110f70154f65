/*
 * secret_priv.h: the secret store's insides, shared by its files
 * (secret_store.c: the table; secret_files.c: the folder;
 * secret_driver.c: the driver table's entries).
 *
 * Locks:
 *  - store->files_lock orders the changes (define, set value, undefine):
 *    a changer takes it first and holds it across its file writes, so no
 *    other change can come between what it read from the table and what
 *    it puts back.
 *  - store->lock guards the table and is held only for memory work,
 *    never across a file write or an fsync: a slow disk stalls the
 *    changes, never the lookups (the QEMU driver's files_lock rule).
 *    Taken after files_lock when both are held.
 */
#ifndef VIREO_DRIVERS_SECRET_PRIV_H
#define VIREO_DRIVERS_SECRET_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "conf/secret_def.h"
#include "drivers/secret/secret_store.h"
#include "util/secret_crypt.h"

/* libvirt's REMOTE_SECRET_VALUE_MAX: the largest value the wire carries */
#define SECRET_VALUE_MAX 65536

/* One secret.  Owned by the store's table; every field guarded by
 * store->lock. */
typedef struct secret_obj {
    secret_def *def;   /* owned */
    uint8_t *value;    /* owned, plaintext, wiped when freed; NULL: no value */
    size_t value_len;
} secret_obj;

struct secret_store {
    node_state *node;       /* borrowed: the node owns the store */
    char *dir;              /* owned: config_base/secrets */
    secret_key *key;        /* owned: the master key, loaded once at open */
    GMutex files_lock;      /* see the top comment */
    GMutex lock;            /* see the top comment */
    GHashTable *by_uuid;    /* lock: uuid string -> secret_obj * (owned) */
};

/* What a change needs to know of a secret after the lock is dropped. */
typedef struct secret_facts {
    char uuid[VIREO_UUID_STRING_BUFLEN];
    unsigned char raw_uuid[VIREO_UUID_BUFLEN];
    int usage_type;
    char *usage_id;         /* owned; NULL for usage none */
    bool ephemeral;
    bool is_private;
} secret_facts;

void secret_facts_clear(secret_facts *f);

/* ---- secret_store.c (store->lock held by the caller) ---- */

/* The secret of uuid, NULL when none (no error set). */
secret_obj *secret_table_find(secret_store *store, const unsigned char uuid[VIREO_UUID_BUFLEN]);
/* The secret with this usage; never one of usage none (libvirt allows
 * any number of those). */
secret_obj *secret_table_find_usage(secret_store *store, int usage_type, const char *usage_id);
/* Put obj in the table (taken over). */
void secret_table_add(secret_store *store, secret_obj *obj);
/* Remove and free the secret of uuid. */
void secret_table_remove(secret_store *store, const unsigned char uuid[VIREO_UUID_BUFLEN]);
void secret_obj_free(secret_obj *obj);
/* Replace obj's value with a copy of value (len bytes). */
void secret_obj_set_value(secret_obj *obj, const uint8_t *value, size_t len);
void secret_facts_fill(secret_facts *f, const secret_def *def);
/* NO_SECRET "no secret with matching uuid '...'" */
void secret_report_no_uuid(const unsigned char uuid[VIREO_UUID_BUFLEN]);
/* The store of conn's node, or NULL with an error when conn has none. */
secret_store *secret_store_of_conn(vireo_conn *conn);

/* ---- secret_files.c (files_lock held, store->lock not) ---- */

/* Read every secret of store->dir into the table; bad files are logged
 * and skipped. */
void secret_files_load_all(secret_store *store);
/* Write the definition / the encrypted value of one secret. 0 or -1. */
int secret_files_save_def(secret_store *store, const secret_def *def);
int secret_files_save_value(secret_store *store, const char *uuid, const uint8_t *value,
                            size_t len);
/* Remove UUID.xml then UUID.bin, durably (a crash between the two leaves
 * a value file without a definition, which the next load removes). */
int secret_files_remove(secret_store *store, const char *uuid);
/* Remove UUID.bin only (a value file no defined secret owns). */
int secret_files_remove_value(secret_store *store, const char *uuid);

/* ---- secret_change.c: the driver entries that change secrets ---- */

vireo_secret *secret_change_define(vireo_conn *conn, const char *xml, unsigned int flags);
int secret_change_set_value(vireo_secret *secret, const unsigned char *value, size_t value_size,
                            unsigned int flags);
int secret_change_undefine(vireo_secret *secret);

#endif
