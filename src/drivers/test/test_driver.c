/* test_driver.c: stub */
#include "drivers/driver.h"
