/* lxc_stats.c: to be written (issue 11) */
