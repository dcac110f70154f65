/* event.c: stub */
#include "drivers/driver.h"
