/* lxc_driver.c: to be written (issue 11) */
