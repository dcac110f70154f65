/* stub, being written */
#include "check.h"
int main(void)
{
    return check_exit();
}
