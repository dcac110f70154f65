/* qemu_domain.c: being written */
#include <glib.h>
