/* lxc_process.c: to be written (issue 11) */
