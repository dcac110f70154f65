/* qemu_process.c: being written */
#include <glib.h>
