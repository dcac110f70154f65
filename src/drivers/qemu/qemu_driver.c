/* qemu_driver.c: being written */
#include <glib.h>
