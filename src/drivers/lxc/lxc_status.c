/* lxc_status.c: to be written (issue 11) */
