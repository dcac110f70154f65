/* lxc_namespace.c: to be written (issue 11) */
