/* remote_driver.c: stub, being written */
#include <glib.h>
