/* lxc_net.c: to be written (issue 11) */
