/*
 * cmd_event.c: `event`, waiting for domain events and printing them the
 * way virsh does: "event 'lifecycle' for domain 'test': Stopped Destroyed".
 *
 * Callbacks run from the default GLib main context, which this command
 * iterates through vireo_event_run_once() while it waits.  The waiting
 * and printing (cli_event_wait_report, cli_event_print) serve net-event
 * too (cmd_net_event.c).
 */
#include <signal.h>
#include <stdio.h>

#include "cli/cli.h"

static void event_lifecycle_cb(vireo_conn *conn, vireo_domain *dom, int event, int detail,
                               void *opaque);
static void event_reboot_cb(vireo_conn *conn, vireo_domain *dom, void *opaque);
static void event_device_removed_cb(vireo_conn *conn, vireo_domain *dom, const char *alias,
                                    void *opaque);

/* virsh's event names, with their ids and callbacks */
static const char *const event_names[] = { "lifecycle", "reboot", "device-removed" };
static const int event_ids[] = { VIREO_DOMAIN_EVENT_ID_LIFECYCLE, VIREO_DOMAIN_EVENT_ID_REBOOT,
                                 VIREO_DOMAIN_EVENT_ID_DEVICE_REMOVED };

static volatile sig_atomic_t event_interrupted;

static void
event_on_sigint(int sig G_GNUC_UNUSED)
{
    event_interrupted = 1;
}

static const char *
event_type_string(int event)
{
    static const char *const names[] = {
        "Defined", "Undefined", "Started", "Suspended", "Resumed", "Stopped", "Shutdown",
        "PMSuspended", "Crashed",
    };

    if (event < 0 || event >= (int)G_N_ELEMENTS(names))
        return "unknown";
    return names[event];
}

static const char *
event_detail_string(int event, int detail)
{
    static const char *const defined[] = { "Added", "Updated", "Renamed", "Snapshot" };
    static const char *const undefined[] = { "Removed", "Renamed" };
    static const char *const started[] = { "Booted", "Migrated", "Restored", "Snapshot",
                                           "Event wakeup" };
    static const char *const suspended[] = { "Paused", "Migrated", "I/O Error", "Watchdog",
                                             "Restored", "Snapshot", "API error", "Post-copy",
                                             "Post-copy Error" };
    static const char *const resumed[] = { "Unpaused", "Migrated", "Snapshot", "Post-copy",
                                           "Post-copy Error" };
    static const char *const stopped[] = { "Shutdown", "Destroyed", "Crashed", "Migrated",
                                           "Saved", "Failed", "Snapshot" };
    static const char *const shutdown[] = { "Finished", "On guest request", "On host request" };
    static const char *const pmsuspended[] = { "Memory", "Disk" };
    static const char *const crashed[] = { "Panicked", "Crashloaded" };
    static const struct { const char *const *names; gsize n; } table[] = {
#define T(a) { a, G_N_ELEMENTS(a) }
        T(defined), T(undefined), T(started), T(suspended), T(resumed), T(stopped),
        T(shutdown), T(pmsuspended), T(crashed),
#undef T
    };

    if (event < 0 || event >= (int)G_N_ELEMENTS(table) || detail < 0 ||
        (gsize)detail >= table[event].n)
        return "unknown";
    return table[event].names[detail];
}

void
cli_event_print(cli_event_state *st, const char *text)
{
    if (st->timestamp) {
        g_autoptr(GDateTime) now = g_date_time_new_now_utc();
        g_autofree char *stamp = g_date_time_format(now, "%Y-%m-%d %H:%M:%S");

        printf("%s.%03d+0000: %s\n", stamp, g_date_time_get_microsecond(now) / 1000, text);
    } else {
        printf("%s\n", text);
    }
    fflush(stdout);
    st->count++;
}

static void
event_lifecycle_cb(vireo_conn *conn G_GNUC_UNUSED, vireo_domain *dom, int event, int detail,
                   void *opaque)
{
    g_autofree char *text = g_strdup_printf("event 'lifecycle' for domain '%s': %s %s",
                                            vireo_domain_get_name(dom),
                                            event_type_string(event),
                                            event_detail_string(event, detail));
    cli_event_print(opaque, text);
}

static void
event_reboot_cb(vireo_conn *conn G_GNUC_UNUSED, vireo_domain *dom, void *opaque)
{
    g_autofree char *text = g_strdup_printf("event 'reboot' for domain '%s'",
                                            vireo_domain_get_name(dom));
    cli_event_print(opaque, text);
}

static void
event_device_removed_cb(vireo_conn *conn G_GNUC_UNUSED, vireo_domain *dom, const char *alias,
                        void *opaque)
{
    g_autofree char *text = g_strdup_printf("event 'device-removed' for domain '%s': %s",
                                            vireo_domain_get_name(dom), alias);
    cli_event_print(opaque, text);
}

/* Wait until one event (or any number with loop), the timeout, or ^C.
 * Returns whether it timed out. */
static bool
event_wait(cli_event_state *st, bool loop, int timeout_s)
{
    gint64 deadline = timeout_s > 0 ? g_get_monotonic_time() + (gint64)timeout_s * G_USEC_PER_SEC
                                    : 0;
    struct sigaction sa = { .sa_handler = event_on_sigint }, old;
    bool timed_out = false;

    event_interrupted = 0;
    sigaction(SIGINT, &sa, &old);
    while (!event_interrupted && (loop || st->count == 0)) {
        int slice = 200;    /* short slices so ^C is noticed promptly */

        if (deadline) {
            gint64 left = (deadline - g_get_monotonic_time() + 999) / 1000;
            if (left <= 0) {
                timed_out = true;
                break;
            }
            slice = (int)MIN(left, slice);
        }
        vireo_event_run_once(slice);
    }
    sigaction(SIGINT, &old, NULL);
    return timed_out;
}

void
cli_event_wait_report(cli_event_state *st, bool loop, int timeout_s)
{
    if (event_wait(st, loop, timeout_s))
        printf("event loop timed out\n");
    else if (event_interrupted)
        printf("event loop interrupted\n");
    printf("events received: %d\n", st->count);
}

static bool
event_register(cli_ctl *ctl, vireo_domain *dom, const char *which, cli_event_state *st,
               int *ids)
{
    for (int i = 0; i < (int)G_N_ELEMENTS(event_names); i++) {
        void (*cb)(void) = i == 0   ? (void (*)(void))event_lifecycle_cb
                           : i == 1 ? (void (*)(void))event_reboot_cb
                                    : (void (*)(void))event_device_removed_cb;

        if (which && !g_str_equal(which, event_names[i]))
            continue;
        ids[i] = vireo_conn_domain_event_register_any(ctl->conn, dom, event_ids[i], cb, st, NULL);
        if (ids[i] < 0) {
            cli_error("failed to register event type %s", event_names[i]);
            return false;
        }
    }
    return true;
}

static bool
event_check_args(const cli_args *args, const char *which, int *timeout)
{
    if (cli_arg_int(args, "timeout", timeout) < 0)
        return false;
    if (!which && !cli_arg_bool(args, "all")) {
        cli_error("one of --list, --all, or --event <type> is required");
        return false;
    }
    if (which) {
        for (gsize i = 0; i < G_N_ELEMENTS(event_names); i++) {
            if (g_str_equal(which, event_names[i]))
                return true;
        }
        cli_error("unknown event type %s", which);
        return false;
    }
    return true;
}

bool
cmd_event(cli_ctl *ctl, const cli_args *args)
{
    const char *which = cli_arg_str(args, "event");
    const char *domname = cli_arg_str(args, "domain");
    cli_event_state st = { 0, cli_arg_bool(args, "timestamp") };
    vireo_domain *dom = NULL;
    int ids[G_N_ELEMENTS(event_names)];
    int timeout = 0;
    bool ok;

    for (gsize i = 0; i < G_N_ELEMENTS(ids); i++)
        ids[i] = -1;
    if (cli_arg_bool(args, "list")) {
        for (gsize i = 0; i < G_N_ELEMENTS(event_names); i++)
            printf("%s\n", event_names[i]);
        return true;
    }
    if (cli_arg_bool(args, "all"))
        which = NULL;   /* --all wins over --event */
    if (!event_check_args(args, which, &timeout))
        return false;
    if (domname && !(dom = cli_domain_lookup(ctl, domname, CLI_BY_ANY)))
        return false;
    ok = event_register(ctl, dom, which, &st, ids);
    if (ok)
        cli_event_wait_report(&st, cli_arg_bool(args, "loop"), timeout);
    for (gsize i = 0; i < G_N_ELEMENTS(event_names); i++) {
        if (ids[i] >= 0)
            vireo_conn_domain_event_deregister_any(ctl->conn, ids[i]);
    }
    if (dom)
        vireo_domain_free(dom);
    /* virsh: the command succeeds when at least one event arrived */
    return ok && st.count > 0;
}
