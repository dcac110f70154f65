/* device_address.c: stub, being written */
#include "conf/domain_def.h"
