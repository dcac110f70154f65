"""sasl_capture.py LISTEN-PORT TARGET-PORT CAPTURE-FILE: a TCP relay on
127.0.0.1 that writes every byte it passes, both ways, to CAPTURE-FILE
(test-sasl.sh reads it to see whether the traffic is encoded).  Prints
"ready" once listening; serves until killed."""
import socket
import sys
import threading

listen_port, target_port, capture = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
lock = threading.Lock()
out = open(capture, "ab", buffering=0)


def pump(src, dst):
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            with lock:
                out.write(data)
            dst.sendall(data)
    except OSError:
        pass
    for s in (src, dst):
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", listen_port))
srv.listen(8)
print("ready", flush=True)
while True:
    client, _ = srv.accept()
    upstream = socket.create_connection(("127.0.0.1", target_port))
    threading.Thread(target=pump, args=(client, upstream), daemon=True).start()
    threading.Thread(target=pump, args=(upstream, client), daemon=True).start()
