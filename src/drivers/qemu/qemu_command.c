/* qemu_command.c: being written */
#include <glib.h>
