/* libvireo.c: stub */
#include "vireo/vireo.h"
