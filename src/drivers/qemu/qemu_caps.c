/* qemu_caps.c: being written */
#include <glib.h>
