/*
 * pidfile.h: the daemon's pid file, locked while it runs so a second
 * daemon on the same root refuses to start.
 */
#ifndef VIREO_DAEMON_PIDFILE_H
#define VIREO_DAEMON_PIDFILE_H

/* Create (or take over) path, lock it and write our pid.  Returns the
 * open descriptor that holds the lock, or -1 with the error set
 * (another process holds it: the message names its pid). */
int pidfile_acquire(const char *path);
/* Remove path and drop the lock. */
void pidfile_release(const char *path, int fd);

#endif
