/* packet.c: stub, being written */
#include "rpc/packet.h"
