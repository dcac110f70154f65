/* qemu_monitor.c: being written */
#include <glib.h>
