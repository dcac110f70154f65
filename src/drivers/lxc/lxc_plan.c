/* lxc_plan.c: to be written (issue 11) */
