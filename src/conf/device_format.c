/* device_format.c: stub, being written */
#include "conf/domain_def.h"
