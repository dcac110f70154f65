/* libvireo-domain.c: stub */
#include "vireo/vireo.h"
