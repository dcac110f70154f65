/* lxc_lifecycle.c: to be written (issue 11) */
