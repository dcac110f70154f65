/* domain_obj.c: to be written (issue 11) */
