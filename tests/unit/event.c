/*
 * test-event: delivery of storage pool and secret events by
 * drivers/event.c, emitted directly as a driver does: each reaches the
 * registrations of its source, kind, event id and object filter, with
 * the object and values it was emitted with, only from the main loop and
 * never after deregistration.
 */
#include <glib.h>
#include <string.h>

#include "check.h"
#include "drivers/event.h"
#include "drivers/handles.h"
#include "util/error.h"

#define WAIT_MS 2000

/* Every callback appends one line describing what it got. */
typedef struct recorder {
    vireo_conn *conn;
    GPtrArray *lines;       /* char * (owned) */
    int freed;              /* free callbacks run */
} recorder;

static char *uuid_hex(const unsigned char *uuid)
{
    return g_strdup_printf("%02x%02x", uuid[0], uuid[15]);
}

static void rec_pool_lifecycle(vireo_conn *conn, vireo_storage_pool *pool, int event, int detail,
                               void *opaque)
{
    recorder *r = opaque;
    g_autofree char *u = uuid_hex(pool->uuid);

    g_ptr_array_add(r->lines, g_strdup_printf("pool-lifecycle %s %s %d %d%s", pool->name, u,
                                              event, detail, conn == r->conn ? "" : " WRONG-CONN"));
}

static void rec_pool_refresh(vireo_conn *conn, vireo_storage_pool *pool, void *opaque)
{
    recorder *r = opaque;
    g_autofree char *u = uuid_hex(pool->uuid);

    g_ptr_array_add(r->lines, g_strdup_printf("pool-refresh %s %s%s", pool->name, u,
                                              conn == r->conn ? "" : " WRONG-CONN"));
}

static void rec_secret_lifecycle(vireo_conn *conn, vireo_secret *secret, int event, int detail,
                                 void *opaque)
{
    recorder *r = opaque;
    g_autofree char *u = uuid_hex(secret->uuid);

    g_ptr_array_add(r->lines, g_strdup_printf("secret-lifecycle %s %d '%s' %d %d%s", u,
                                              secret->usage_type, secret->usage_id, event, detail,
                                              conn == r->conn ? "" : " WRONG-CONN"));
}

static void rec_secret_value(vireo_conn *conn, vireo_secret *secret, void *opaque)
{
    recorder *r = opaque;
    g_autofree char *u = uuid_hex(secret->uuid);

    g_ptr_array_add(r->lines, g_strdup_printf("secret-value %s %d '%s'%s", u, secret->usage_type,
                                              secret->usage_id,
                                              conn == r->conn ? "" : " WRONG-CONN"));
}

static void rec_domain_lifecycle(vireo_conn *conn, vireo_domain *dom, int event, int detail,
                                 void *opaque)
{
    recorder *r = opaque;

    (void)conn;
    g_ptr_array_add(r->lines, g_strdup_printf("domain-lifecycle %s %d %d", dom->name, event,
                                              detail));
}

static void rec_free(void *opaque)
{
    ((recorder *)opaque)->freed++;
}

/* Run the main loop until r has n lines, then a little more so that an
 * unwanted extra event would show too. */
static void wait_lines(recorder *r, guint n)
{
    gint64 end = g_get_monotonic_time() + WAIT_MS * 1000;

    while (r->lines->len < n && g_get_monotonic_time() < end)
        event_run_once(50);
    for (int i = 0; i < 5; i++)
        event_run_once(10);
}

/* Whether r holds exactly want (in any order: each registration has its
 * own idle source), then forget them. */
static bool expect(recorder *r, const char *const *want, guint n)
{
    bool ok = r->lines->len == n;

    for (guint i = 0; ok && i < n; i++) {
        bool found = false;

        for (guint j = 0; j < r->lines->len && !found; j++)
            found = strcmp(g_ptr_array_index(r->lines, j), want[i]) == 0;
        ok = found;
    }
    if (!ok) {
        for (guint j = 0; j < r->lines->len; j++)
            NOTE("got:  %s", (char *)g_ptr_array_index(r->lines, j));
        for (guint i = 0; i < n; i++)
            NOTE("want: %s", want[i]);
    }
    g_ptr_array_set_size(r->lines, 0);
    return ok;
}

static const unsigned char uuid_a[VIREO_UUID_BUFLEN] = { 0xa1, [15] = 0x01 };
static const unsigned char uuid_b[VIREO_UUID_BUFLEN] = { 0xb2, [15] = 0x02 };

#define CB(f) ((void (*)(void))(f))

static void test_pool_events(vireo_conn *conn, const void *node, recorder *r)
{
    static int other_node;
    vireo_storage_pool *pool_a = pool_handle_new(conn, "alpha", uuid_a);
    int life, refresh_a, dom;

    life = event_register_pool(conn, node, NULL, VIREO_STORAGE_POOL_EVENT_ID_LIFECYCLE,
                               CB(rec_pool_lifecycle), r, rec_free);
    refresh_a = event_register_pool(conn, node, pool_a, VIREO_STORAGE_POOL_EVENT_ID_REFRESH,
                                    CB(rec_pool_refresh), r, rec_free);
    /* a domain registration on the same source with the same event id
     * (0) must not hear pool events */
    dom = event_register(conn, node, NULL, VIREO_DOMAIN_EVENT_ID_LIFECYCLE,
                         CB(rec_domain_lifecycle), r, rec_free);
    CHECK(life >= 0 && refresh_a >= 0 && dom >= 0 && life != refresh_a && refresh_a != dom,
          "pool registrations get distinct callback ids");

    event_emit_pool_lifecycle(node, "alpha", uuid_a, VIREO_STORAGE_POOL_EVENT_STARTED, 0);
    event_emit_pool_lifecycle(node, "beta", uuid_b, VIREO_STORAGE_POOL_EVENT_DEFINED, 0);
    event_emit_pool_refresh(node, "beta", uuid_b);   /* filtered out: not alpha */
    event_emit_pool_refresh(node, "alpha", uuid_a);
    event_emit_pool_lifecycle(&other_node, "gamma", uuid_b, VIREO_STORAGE_POOL_EVENT_STOPPED, 0);
    CHECK(r->lines->len == 0, "no pool event is delivered inside the emitting call");
    wait_lines(r, 3);
    {
        static const char *const want[] = {
            "pool-lifecycle alpha a101 2 0", "pool-lifecycle beta b202 0 0",
            "pool-refresh alpha a101",
        };
        CHECK(expect(r, want, G_N_ELEMENTS(want)),
              "pool lifecycle and refresh reach their registrations (filter, source, kind)");
    }

    CHECK(event_deregister(conn, refresh_a) == 0 && r->freed == 1,
          "deregistering the refresh registration runs its free callback");
    event_emit_pool_refresh(node, "alpha", uuid_a);
    event_emit_pool_lifecycle(node, "alpha", uuid_a, VIREO_STORAGE_POOL_EVENT_STOPPED, 0);
    wait_lines(r, 1);
    {
        static const char *const want[] = { "pool-lifecycle alpha a101 3 0" };
        CHECK(expect(r, want, 1), "no refresh after deregistration, lifecycle still comes");
    }

    /* an event queued before deregistration is dropped, not delivered */
    event_emit_pool_lifecycle(node, "alpha", uuid_a, VIREO_STORAGE_POOL_EVENT_UNDEFINED, 0);
    CHECK(event_deregister(conn, life) == 0, "deregister the lifecycle registration");
    wait_lines(r, 0);
    CHECK(r->lines->len == 0, "an event queued before deregistration is not delivered");
    CHECK(event_deregister(conn, dom) == 0 && r->freed == 3, "every free callback ran once");
    pool_handle_unref(pool_a);
}

static void test_secret_events(vireo_conn *conn, const void *node, recorder *r)
{
    vireo_secret *sec_a = secret_handle_new(conn, uuid_a, VIREO_SECRET_USAGE_TYPE_VOLUME,
                                            "/pool/a.qcow2");
    int life, value_a;

    r->freed = 0;
    life = event_register_secret(conn, node, NULL, VIREO_SECRET_EVENT_ID_LIFECYCLE,
                                 CB(rec_secret_lifecycle), r, rec_free);
    value_a = event_register_secret(conn, node, sec_a, VIREO_SECRET_EVENT_ID_VALUE_CHANGED,
                                    CB(rec_secret_value), r, rec_free);
    CHECK(life >= 0 && value_a >= 0, "secret registrations");

    event_emit_secret_lifecycle(node, uuid_a, VIREO_SECRET_USAGE_TYPE_VOLUME, "/pool/a.qcow2",
                                VIREO_SECRET_EVENT_DEFINED, 0);
    event_emit_secret_lifecycle(node, uuid_b, VIREO_SECRET_USAGE_TYPE_NONE, NULL,
                                VIREO_SECRET_EVENT_UNDEFINED, 0);
    event_emit_secret_value_changed(node, uuid_b, VIREO_SECRET_USAGE_TYPE_NONE, NULL);
    event_emit_secret_value_changed(node, uuid_a, VIREO_SECRET_USAGE_TYPE_VOLUME,
                                    "/pool/a.qcow2");
    /* a pool event with the same source, uuid and event id is not a
     * secret event */
    event_emit_pool_lifecycle(node, "alpha", uuid_a, 0, 0);
    CHECK(r->lines->len == 0, "no secret event is delivered inside the emitting call");
    wait_lines(r, 3);
    {
        char want_life_a[64], want_life_b[64], want_value[64];
        const char *want[3] = { want_life_a, want_life_b, want_value };

        g_snprintf(want_life_a, sizeof(want_life_a), "secret-lifecycle a101 %d '/pool/a.qcow2' 0 0",
                   VIREO_SECRET_USAGE_TYPE_VOLUME);
        g_snprintf(want_life_b, sizeof(want_life_b), "secret-lifecycle b202 %d '' 1 0",
                   VIREO_SECRET_USAGE_TYPE_NONE);
        g_snprintf(want_value, sizeof(want_value), "secret-value a101 %d '/pool/a.qcow2'",
                   VIREO_SECRET_USAGE_TYPE_VOLUME);
        CHECK(expect(r, want, 3),
              "secret lifecycle and value-changed carry UUID and usage; the filter holds");
    }
    CHECK(event_deregister(conn, life) == 0 && event_deregister(conn, value_a) == 0 &&
              r->freed == 2,
          "deregister the secret registrations");
    event_emit_secret_value_changed(node, uuid_a, VIREO_SECRET_USAGE_TYPE_VOLUME, "/pool/a.qcow2");
    wait_lines(r, 0);
    CHECK(r->lines->len == 0, "nothing after deregistration");
    secret_handle_unref(sec_a);
}

/* The callback deregisters itself: the delivery in progress keeps the
 * registration until it returns, then the free callback runs once. */
typedef struct self_dereg {
    int id;
    int calls;
    int freed;
} self_dereg;

static void self_dereg_free(void *opaque)
{
    ((self_dereg *)opaque)->freed++;
}

static void self_dereg_cb(vireo_conn *conn, vireo_storage_pool *pool, void *opaque)
{
    self_dereg *s = opaque;

    (void)pool;
    s->calls++;
    event_deregister(conn, s->id);
    CHECK(s->freed == 0, "the free callback waits for the running delivery");
}

static void test_self_deregister(vireo_conn *conn, const void *node)
{
    self_dereg s = { 0 };

    s.id = event_register_pool(conn, node, NULL, VIREO_STORAGE_POOL_EVENT_ID_REFRESH,
                               CB(self_dereg_cb), &s, self_dereg_free);
    /* two queued deliveries: the second finds no registration */
    event_emit_pool_refresh(node, "alpha", uuid_a);
    event_emit_pool_refresh(node, "alpha", uuid_a);
    for (int i = 0; i < 20 && s.calls == 0; i++)
        event_run_once(50);
    for (int i = 0; i < 5; i++)
        event_run_once(10);
    CHECK(s.calls == 1 && s.freed == 1,
          "a callback that deregisters itself runs once, then is freed (calls %d, freed %d)",
          s.calls, s.freed);
}

static void test_bad_input(vireo_conn *conn, const void *node)
{
    const vireo_error *e;

    CHECK(event_register_pool(conn, node, NULL, 2, CB(rec_pool_refresh), NULL, NULL) == -1 &&
              (e = error_last()) && e->code == VIREO_ERR_INVALID_ARG &&
              strstr(e->message, "storage pool event ID 2"),
          "an unknown pool event id is INVALID_ARG naming it");
    error_reset();
    CHECK(event_register_secret(conn, node, NULL, 7, CB(rec_secret_value), NULL, NULL) == -1 &&
              (e = error_last()) && e->code == VIREO_ERR_INVALID_ARG &&
              strstr(e->message, "secret event ID 7"),
          "an unknown secret event id is INVALID_ARG naming it");
    error_reset();
    CHECK(event_deregister(conn, 987654) == -1 && (e = error_last()) &&
              e->code == VIREO_ERR_INVALID_ARG && strstr(e->message, "987654"),
          "deregistering an unknown id is INVALID_ARG naming it");
    error_reset();
}

int main(void)
{
    static int node;   /* the source key, as a driver's node_state would be */
    recorder r = { .lines = g_ptr_array_new_with_free_func(g_free) };
    vireo_conn *conn = conn_handle_new("test:///events", false);

    r.conn = conn;
    test_pool_events(conn, &node, &r);
    test_secret_events(conn, &node, &r);
    test_self_deregister(conn, &node);
    test_bad_input(conn, &node);

    /* closing the connection forgets what is still registered */
    r.freed = 0;
    event_register_pool(conn, &node, NULL, 0, CB(rec_pool_lifecycle), &r, rec_free);
    event_register_secret(conn, &node, NULL, 0, CB(rec_secret_lifecycle), &r, rec_free);
    conn_handle_unref(conn);
    CHECK(r.freed == 2, "the last connection reference frees its registrations");
    g_ptr_array_unref(r.lines);
    return check_exit();
}
