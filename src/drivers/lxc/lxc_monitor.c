/* lxc_monitor.c: to be written (issue 11) */
