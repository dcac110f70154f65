/* qemu_kvm.c: being written */
#include <glib.h>
