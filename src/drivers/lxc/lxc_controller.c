/* lxc_controller.c: to be written (issue 11) */
int main(void)
{
    return 1;
}
