/* domain_parse.c: stub, being written */
#include "conf/domain_def.h"
