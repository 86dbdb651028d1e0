#!/usr/bin/env python3
"""Open N loopback TCP sockets, hold them, close them: the load for bench/sockets.sh.

The sockets are N/2 connected pairs (a client and the server end accepted from it) spread over a few
listeners on 127.0.0.1 and, when the host has it, ::1, so both /proc/net/tcp and /proc/net/tcp6 grow.
Loopback only. It raises its own descriptor limit (as root it may raise the hard limit too) and refuses
more than --max sockets.

It prints "ready <sockets> <listeners>" on standard output once every socket is open, then holds them
until standard input reaches end of file, SIGTERM or SIGINT arrives, or --hold-seconds pass, whichever
comes first. Every socket is closed with SO_LINGER 0 (an RST), so none lingers in TIME-WAIT and holds a
loopback port after the benchmark.
"""

import argparse
import errno
import resource
import select
import signal
import socket
import struct
import sys
import time

LISTENERS_PER_FAMILY = 8
BATCH = 512


def raise_descriptor_limit(needed):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft >= needed:
        return
    if hard < needed:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (needed, needed))
            return
        except (ValueError, OSError) as error:
            sys.exit(f"loopback_sockets: need {needed} descriptors, hard limit is {hard} and cannot be raised: {error}")
    resource.setrlimit(resource.RLIMIT_NOFILE, (needed, hard))


def has_ipv6_loopback():
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as probe:
            probe.bind(("::1", 0))
        return True
    except OSError:
        return False


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=60000, help="sockets to open (even)")
    parser.add_argument("--max", type=int, default=200000, help="refuse counts above this")
    parser.add_argument("--hold-seconds", type=float, default=900, help="close everything after this long")
    arguments = parser.parse_args()
    if arguments.count < 2 or arguments.count > arguments.max:
        sys.exit(f"loopback_sockets: --count must be between 2 and {arguments.max}")

    families = [(socket.AF_INET, "127.0.0.1")]
    if has_ipv6_loopback():
        families.append((socket.AF_INET6, "::1"))
    listener_count = LISTENERS_PER_FAMILY * len(families)
    raise_descriptor_limit(arguments.count + listener_count + 64)

    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(True))
    signal.signal(signal.SIGINT, lambda *_: stop.append(True))

    listeners = []
    sockets = []
    linger = struct.pack("ii", 1, 0)
    try:
        for family, address in families:
            for _ in range(LISTENERS_PER_FAMILY):
                listener = socket.socket(family, socket.SOCK_STREAM)
                listener.bind((address, 0))
                listener.listen(BATCH * 2)
                listeners.append((listener, family, address, listener.getsockname()[1]))

        pairs = arguments.count // 2
        opened = 0
        while opened < pairs and not stop:
            batch = min(BATCH, pairs - opened)
            # Connect a batch round-robin over the listeners, then drain every accept queue.
            for index in range(batch):
                listener, family, address, port = listeners[(opened + index) % len(listeners)]
                client = socket.socket(family, socket.SOCK_STREAM)
                client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger)
                sockets.append(client)
                client.connect((address, port))
            accepted = 0
            for listener, *_ in listeners:
                listener.setblocking(False)
                while True:
                    try:
                        server, _ = listener.accept()
                    except BlockingIOError:
                        break
                    server.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger)
                    sockets.append(server)
                    accepted += 1
            if accepted != batch:
                sys.exit(f"loopback_sockets: accepted {accepted} of {batch} connections")
            opened += batch

        if not stop:
            print(f"ready {len(sockets)} {len(listeners)}", flush=True)
            deadline = time.monotonic() + arguments.hold_seconds
            while not stop and time.monotonic() < deadline:
                try:
                    readable, _, _ = select.select([sys.stdin], [], [], 0.5)
                except InterruptedError:
                    continue
                except OSError as error:
                    if error.errno == errno.EINTR:
                        continue
                    raise
                if readable and not sys.stdin.buffer.read1(4096):
                    break
    finally:
        for item in sockets:
            item.close()
        for listener, *_ in listeners:
            listener.close()


if __name__ == "__main__":
    main()
