/* lxc_domain.c: to be written (issue 11) */
