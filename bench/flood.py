#!/usr/bin/env python3
"""Writes sshd-like log lines at a fixed rate for a bounded time: the flood of bench/daemon.sh.

    flood.py --rate 5000 --seconds 60 --format syslog FILE   append "Mon DD HH:MM:SS host sshd[PID]: ..." to FILE
    flood.py --rate 5000 --seconds 60 --format message -     message bodies to stdout (for `logger -t sshd`)

The lines are what a brute-force wave looks like in sshd's log (invalid users, failed passwords, preauth
disconnects) from a pool of 2,000 addresses, with a few accepted logins among them. Lines go out in batches
every 10 ms on an absolute schedule, so the rate holds even when one write is late. Prints the number of lines
written and the achieved rate on stderr.
"""

import argparse
import random
import sys
import time

USERS = ["root", "admin", "ubuntu", "test", "oracle", "postgres", "git", "user", "pi", "deploy"]


def messages(rng):
    """An endless stream of sshd message bodies (without the syslog header)."""
    addresses = [f"198.51.{rng.randrange(0, 100)}.{rng.randrange(1, 255)}" for _ in range(1000)]
    addresses += [f"2001:db8:{rng.randrange(0, 0xFFFF):x}::{rng.randrange(1, 0xFFFF):x}" for _ in range(1000)]
    while True:
        address = rng.choice(addresses)
        port = rng.randrange(1024, 65536)
        user = rng.choice(USERS)
        roll = rng.random()
        if roll < 0.30:
            yield f"Invalid user {user} from {address} port {port}"
        elif roll < 0.65:
            yield f"Failed password for invalid user {user} from {address} port {port} ssh2"
        elif roll < 0.85:
            yield f"Connection closed by invalid user {user} {address} port {port} [preauth]"
        elif roll < 0.97:
            yield f"Received disconnect from {address} port {port}:11: Bye Bye [preauth]"
        else:
            yield f"Accepted publickey for deploy from {address} port {port} ssh2: ED25519 SHA256:bench"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rate", type=int, default=5000, help="lines per second")
    parser.add_argument("--seconds", type=float, default=60.0, help="how long to write")
    parser.add_argument("--format", choices=["syslog", "message"], default="syslog")
    parser.add_argument("--host", default="sandbox", help="the syslog hostname field")
    parser.add_argument("file", help="file to append to, or - for stdout")
    arguments = parser.parse_args()

    rng = random.Random(5)
    stream = messages(rng)
    out = sys.stdout if arguments.file == "-" else open(arguments.file, "a", encoding="ascii")
    tick = 0.01
    per_tick = arguments.rate * tick
    start = time.monotonic()
    written = 0
    ticks = int(arguments.seconds / tick)
    try:
        for index in range(1, ticks + 1):
            due = int(round(index * per_tick)) - written
            if arguments.format == "syslog":
                # One header per batch: the syslog timestamp has a one-second resolution anyway.
                header = time.strftime("%b %e %H:%M:%S") + f" {arguments.host} sshd[{rng.randrange(1000, 60000)}]: "
                lines = "".join(header + next(stream) + "\n" for _ in range(due))
            else:
                lines = "".join(next(stream) + "\n" for _ in range(due))
            out.write(lines)
            out.flush()
            written += due
            delay = start + index * tick - time.monotonic()
            if delay > 0:
                time.sleep(delay)
    except BrokenPipeError:
        pass
    elapsed = time.monotonic() - start
    print(f"flood: {written} lines in {elapsed:.2f} s ({written / elapsed:.0f} lines/s)", file=sys.stderr)


if __name__ == "__main__":
    main()
