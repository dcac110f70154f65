/* lxc_console.c: to be written (issue 11) */
