/* handles.c: stub */
#include "drivers/handles.h"
