/*
 * lxc_monitor.h: how vireod and a container's controller process
 * (vireo-lxc-controller, libvirt's libvirt_lxc) talk.  The controller is
 * the container's parent and outlives vireod: a restarted vireod finds
 * it again through the files below.
 *
 * Started by the driver (lxc_process.c), in its own session, outside the
 * container's cgroup, with stdin /dev/null and stdout/stderr the log
 * file (log_dir/NAME.log):
 *
 *   vireo-lxc-controller --name NAME --xml FILE --state-dir DIR
 *                        [--veth HOSTSIDE=GUESTDEV]... [--cgroup-procs FILE]...
 *                        --handshake FD
 *
 *   --xml FILE        the live domain XML (the status file's definition),
 *                     from which the controller plans the container
 *                     (lxc_plan_from_def).
 *   --veth A=B        the container end A of a veth pair the driver made,
 *                     moved into the container's network namespace and
 *                     renamed B (<guest dev=''>, default ethN), then
 *                     brought up inside with lo.
 *   --cgroup-procs F  a cgroup.procs file the container's init joins
 *                     before it runs (the controller stays outside: the
 *                     limits count the container alone).
 *   --handshake FD    a pipe: exactly one line, then closed:
 *                       "ok INIT_PID PTY_PATH\n"   init runs
 *                       "error CODE MESSAGE\n"     nothing left; CODE is
 *                       libvirt's error number (VIREO_FROM_LXC), MESSAGE
 *                       the rest of the line (the kernel's reason in it)
 *
 * Files in DIR (the driver's run_dir):
 *   NAME.sock      the monitor socket (below), made before the handshake
 *   NAME.console   the console socket: a client's bytes go to the
 *                  container's console and the console's output comes
 *                  back; one client at a time (a new one replaces the
 *                  old); with none, output is read and dropped, so the
 *                  container never blocks on its console
 *   NAME.pid       the controller's pid
 * The controller removes all three when it exits.
 *
 * The monitor socket: lines of text, one client at a time (a new
 * connection replaces the old one).
 *   controller -> client, on connect:   "hello INIT_PID PTY_PATH\n"
 *   controller -> client, init ended:   "exit STATUS\n"  (waitpid's raw
 *                  status, decimal), after which the controller cleans up
 *                  and exits: the client then reads end of file.
 *   client -> controller: nothing (lifecycle is signals to init, from
 *                  the driver; the kernel ends every process of the
 *                  container with its init).
 * An init that dies of SIGHUP asked for a reboot (reboot(2) in a PID
 * namespace), of SIGINT for a halt or power off (the kernel's own
 * encoding, pid_namespaces(7)).
 */
#ifndef VIREO_DRIVERS_LXC_MONITOR_H
#define VIREO_DRIVERS_LXC_MONITOR_H

#define LXC_MONITOR_SUFFIX ".sock"
#define LXC_CONSOLE_SUFFIX ".console"
#define LXC_PID_SUFFIX ".pid"
#define LXC_HANDSHAKE_TIMEOUT_MS 30000

#endif
