/* qemu_status.c: being written */
#include <glib.h>
