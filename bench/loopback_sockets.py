#!/usr/bin/env python3
"""Open N loopback TCP sockets, hold them, close them: the load for bench/sockets.sh.

The sockets are N/2 connected pairs (a client and the server end accepted from it) spread over a few
listeners on 127.0.0.1 and, when the host has it, ::1, so both /proc/net/tcp and /proc/net/tcp6 grow
(two thirds IPv4, one third IPv6). Loopback only. IPv4 clients connect from 127.0.0.2 with
IP_BIND_ADDRESS_NO_PORT, so the ports they take never collide with a bind to 127.0.0.1 port 0 by
another program on the machine. A process may hold only as many descriptors as its hard limit allows
(and an unprivileged or containerised root cannot raise it), so the sockets are shared out between
forked worker processes, each within the limit. It refuses more than --max sockets.

It prints "ready <sockets> <listeners>" on standard output once every socket is open, then holds them
until standard input reaches end of file, SIGTERM or SIGINT arrives, or --hold-seconds pass, whichever
comes first. Every socket is closed with SO_LINGER 0 (an RST), so none lingers in TIME-WAIT and holds a
loopback port after the benchmark.
"""

import argparse
import os
import resource
import select
import signal
import socket
import struct
import sys
import time

LISTENERS_PER_FAMILY = 8
BATCH = 512


IP_BIND_ADDRESS_NO_PORT = 24  # linux/in.h; not in Python's socket module


def descriptor_budget():
    """Raises the soft descriptor limit to the hard one; returns how many sockets a worker may hold."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return hard - 128


def has_ipv6_loopback():
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as probe:
            probe.bind(("::1", 0))
        return True
    except OSError:
        return False


class Holder:
    """One process's share: its listeners and the connected pairs made through them."""

    def __init__(self):
        self.sockets = []
        self.listener_count = 0

    def open(self, pairs, families):
        linger = struct.pack("ii", 1, 0)
        listeners = []
        for family, address, client_address in families:
            for _ in range(LISTENERS_PER_FAMILY):
                listener = socket.socket(family, socket.SOCK_STREAM)
                self.sockets.append(listener)
                listener.bind((address, 0))
                listener.listen(BATCH * 2)
                listener.setblocking(False)
                listeners.append((listener, family, address, client_address, listener.getsockname()[1]))
        self.listener_count = len(listeners)
        # Two of every three pairs on IPv4 when there are both families (listeners are grouped by family).
        per_family = len(listeners) // len(families)
        order = [i for i in range(per_family)] * 2 + [per_family + i for i in range(len(listeners) - per_family)]
        opened = 0
        while opened < pairs:
            batch = min(BATCH, pairs - opened)
            # Connect a batch round-robin over the listeners, then drain every accept queue.
            for index in range(batch):
                _, family, address, client_address, port = listeners[order[(opened + index) % len(order)]]
                client = socket.socket(family, socket.SOCK_STREAM)
                self.sockets.append(client)
                client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger)
                if client_address is not None:
                    client.setsockopt(socket.IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, 1)
                    client.bind((client_address, 0))
                client.connect((address, port))
            accepted = 0
            for listener, *_ in listeners:
                while True:
                    try:
                        server, _ = listener.accept()
                    except BlockingIOError:
                        break
                    server.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger)
                    self.sockets.append(server)
                    accepted += 1
            if accepted != batch:
                raise RuntimeError(f"accepted {accepted} of {batch} connections")
            opened += batch

    def close(self):
        for item in self.sockets:
            item.close()
        self.sockets = []


def wait_for_end(files, deadline, stop):
    """Until one of `files` reaches end of file, `stop` is set by a signal, or `deadline` passes."""
    while not stop and time.monotonic() < deadline:
        try:
            readable, _, _ = select.select(files, [], [], 0.5)
        except InterruptedError:
            continue
        for item in readable:
            if not os.read(item.fileno(), 4096):
                return


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=60000, help="sockets to open (even)")
    parser.add_argument("--max", type=int, default=200000, help="refuse counts above this")
    parser.add_argument("--hold-seconds", type=float, default=900, help="close everything after this long")
    arguments = parser.parse_args()
    if arguments.count < 2 or arguments.count > arguments.max:
        sys.exit(f"loopback_sockets: --count must be between 2 and {arguments.max}")

    families = [(socket.AF_INET, "127.0.0.1", "127.0.0.2")]
    if has_ipv6_loopback():
        families.append((socket.AF_INET6, "::1", None))
    budget = descriptor_budget() - LISTENERS_PER_FAMILY * len(families)
    if budget < 1000:
        sys.exit("loopback_sockets: the descriptor hard limit is too low to be useful")
    pairs = arguments.count // 2
    pairs_per_worker = budget // 2
    shares = [min(pairs_per_worker, pairs - start) for start in range(0, pairs, pairs_per_worker)]

    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(True))
    signal.signal(signal.SIGINT, lambda *_: stop.append(True))
    deadline = time.monotonic() + arguments.hold_seconds

    # Each worker reports "ready <sockets> <listeners>" (or an error) on its own pipe, then holds its
    # sockets until the parent closes the other pipe or it is signalled.
    workers = []
    for share in shares:
        report_read, report_write = os.pipe()
        hold_read, hold_write = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(report_read)
            os.close(hold_write)
            holder = Holder()
            try:
                holder.open(share, families)
                os.write(report_write, f"ready {len(holder.sockets) - holder.listener_count} {holder.listener_count}\n".encode())
                wait_for_end([os.fdopen(hold_read, "rb", buffering=0)], deadline, stop)
            except Exception as error:  # reported to the parent, which exits with it
                os.write(report_write, f"error {error}\n".encode())
            finally:
                holder.close()
                os._exit(0)
        os.close(report_write)
        os.close(hold_read)
        workers.append((pid, os.fdopen(report_read, "rb"), hold_write))

    try:
        total_sockets = 0
        total_listeners = 0
        for _, report, _ in workers:
            line = report.readline().decode().split(maxsplit=1)
            if not line or line[0] != "ready":
                sys.exit(f"loopback_sockets: a worker failed: {' '.join(line) or 'exited'}")
            sockets, listeners = line[1].split()
            total_sockets += int(sockets)
            total_listeners += int(listeners)
        print(f"ready {total_sockets} {total_listeners}", flush=True)
        wait_for_end([sys.stdin], deadline, stop)
    finally:
        for pid, report, hold_write in workers:
            os.close(hold_write)
        for pid, report, _ in workers:
            report.close()
            os.waitpid(pid, 0)


if __name__ == "__main__":
    main()
