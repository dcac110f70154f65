/* qemu_job.c: being written */
#include <glib.h>
