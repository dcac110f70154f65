/*
 * instances.c: the drivers' instance registry (src/drivers/instances.c):
 * one instance per key, counted; a lasting one kept and autostarted once
 * per process; the I/O thread; the job timeout's sources.
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "drivers/instances.h"
#include "util/error.h"

typedef struct fake {
    int id;
} fake;

static int created, destroyed, autostarted, next_id;
static bool refuse;

static void *fake_create(void *arg)
{
    fake *f;

    (void)arg;
    if (refuse) {
        error_report(VIREO_FROM_LXC, VIREO_ERR_OPERATION_FAILED, "refused");
        return NULL;
    }
    f = g_new0(fake, 1);
    f->id = ++next_id;
    created++;
    return f;
}

static void fake_destroy(void *inst)
{
    destroyed++;
    g_free(inst);
}

static void fake_autostart(void *inst)
{
    (void)inst;
    autostarted++;
}

static const instance_ops ops = { fake_create, fake_destroy, fake_autostart };
static instance_registry reg;

static gboolean on_io(gpointer data)
{
    g_atomic_pointer_set((gpointer *)data, g_thread_self());
    return G_SOURCE_REMOVE;
}

int main(void)
{
    fake *a, *b, *c;
    vireo_uri *uri;
    GMainContext *ctx;
    GMainLoop *loop;
    GThread *io, *ran_on = NULL;

    /* embed-like: counted, ends with its last user */
    a = instance_acquire(&reg, &ops, "/e", false, NULL);
    b = instance_acquire(&reg, &ops, "/e", false, NULL);
    CHECK(a && a == b && created == 1, "one instance per key, made at the first acquire");
    CHECK(autostarted == 0, "no autostart for an instance that does not last");
    instance_release(&reg, &ops, "/e");
    CHECK(destroyed == 0, "kept while a user is left");
    instance_release(&reg, &ops, "/e");
    CHECK(destroyed == 1, "destroyed with its last user");
    a = instance_acquire(&reg, &ops, "/e", false, NULL);
    CHECK(a && created == 2 && a->id == 2, "a later acquire makes a new one");
    instance_release(&reg, &ops, "/e");

    /* system-like: lasting, autostarted once per process */
    a = instance_acquire(&reg, &ops, "/s", true, NULL);
    CHECK(a && autostarted == 1, "a lasting instance autostarts");
    instance_release(&reg, &ops, "/s");
    b = instance_acquire(&reg, &ops, "/s", true, NULL);
    CHECK(b == a && destroyed == 2 && autostarted == 1,
          "it outlives its connections and autostarts only once");
    instance_release(&reg, &ops, "/s");

    /* a failed create */
    refuse = true;
    c = instance_acquire(&reg, &ops, "/f", true, NULL);
    CHECK(!c && error_last() && strstr(error_last()->message, "refused") &&
          autostarted == 1, "a failed create: NULL with its error, nothing autostarted");
    refuse = false;

    /* the I/O thread */
    ctx = g_main_context_new();
    loop = g_main_loop_new(ctx, FALSE);
    io = instance_io_start("test-io", loop);
    {
        g_autoptr(GSource) s = g_idle_source_new();

        g_source_set_callback(s, on_io, &ran_on, NULL);
        g_source_attach(s, ctx);
    }
    for (int i = 0; i < 500 && !g_atomic_pointer_get(&ran_on); i++)
        g_usleep(2000);
    CHECK(ran_on == io, "sources of the context run on the I/O thread");
    instance_io_stop(loop, io);
    CHECK(!g_main_loop_is_running(loop), "stop quits the loop and joins the thread");
    g_main_loop_unref(loop);
    g_main_context_unref(ctx);

    /* job timeout */
    g_unsetenv("VIREO_TEST_JOB_MS");
    uri = uri_parse("qemu:///embed?root=/x");
    CHECK(instance_job_timeout(uri, "VIREO_TEST_JOB_MS", 1234) == 1234, "default");
    g_setenv("VIREO_TEST_JOB_MS", "77", TRUE);
    CHECK(instance_job_timeout(uri, "VIREO_TEST_JOB_MS", 1234) == 77, "the environment");
    uri_free(uri);
    uri = uri_parse("qemu:///embed?root=/x&job_timeout_ms=55");
    CHECK(instance_job_timeout(uri, "VIREO_TEST_JOB_MS", 1234) == 55, "the URI first");
    uri_free(uri);
    uri = uri_parse("qemu:///embed?root=/x&job_timeout_ms=-3");
    CHECK(instance_job_timeout(uri, "VIREO_TEST_JOB_MS", 1234) == 1234, "a bad value: default");
    uri_free(uri);
    return check_exit();
}
