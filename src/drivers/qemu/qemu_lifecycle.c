/* qemu_lifecycle.c: being written */
#include <glib.h>
