/* main.c: stub */
#include "vireo/vireo.h"
int main(void) { return 0; }
