#!/usr/bin/env python3
"""Time commands: best and median wall-clock time of several runs each, as a Markdown table.

Usage: time_commands.py [--runs N] [--warmup N] [--target NAME:BASELINE:FACTOR ...]
                        [--beyond NAME:FLOOR ...] NAME=COMMAND ...

Each COMMAND is split like a shell would (shlex) but never run through one; it is started with
posix_spawn, its standard output goes to /dev/null, and the clock runs from just before the spawn to
the reaping of the child, so every command pays the same small harness cost. Runs of the commands are
interleaved (A B C D, A B C D, ...), so a burst of load from other users of the machine touches all
of them alike. A --target row compares NAME's median with BASELINE's median and checks the ratio
against FACTOR. A --beyond row subtracts FLOOR's median from NAME's: the time spent beyond process
start-up, when FLOOR is the same program doing next to nothing. The exit status is 1 if a command fails, 0 otherwise (a missed target is reported,
not an error: it is a measurement).
"""

import argparse
import os
import shlex
import statistics
import sys
import time


def run_once(argv, devnull):
    actions = [(os.POSIX_SPAWN_DUP2, devnull, 1)]
    start = time.perf_counter_ns()
    pid = os.posix_spawnp(argv[0], argv, os.environ, file_actions=actions)
    _, status = os.waitpid(pid, 0)
    elapsed = time.perf_counter_ns() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"time_commands: {shlex.join(argv)} exited with {os.waitstatus_to_exitcode(status)}")
    return elapsed / 1e6


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--target", action="append", default=[], help="NAME:BASELINE:FACTOR")
    parser.add_argument("--beyond", action="append", default=[], help="NAME:FLOOR")
    parser.add_argument("commands", nargs="+", help="NAME=COMMAND")
    arguments = parser.parse_args()

    commands = []
    for item in arguments.commands:
        name, _, command = item.partition("=")
        commands.append((name, shlex.split(command)))
    devnull = os.open(os.devnull, os.O_WRONLY)
    times = {name: [] for name, _ in commands}
    for run in range(arguments.warmup + arguments.runs):
        for name, argv in commands:
            elapsed = run_once(argv, devnull)
            if run >= arguments.warmup:
                times[name].append(elapsed)

    print(f"| command | best (ms) | median (ms) | runs |")
    print(f"|---|---:|---:|---:|")
    for name, argv in commands:
        # The program by its name, not its build path, to keep the table narrow.
        shown = shlex.join([os.path.basename(argv[0])] + argv[1:])
        print(f"| `{shown}` ({name}) | {min(times[name]):.2f} | {statistics.median(times[name]):.2f} | {arguments.runs} |")
    if arguments.target:
        print()
        print("| target | ratio of medians (best) | limit | result |")
        print("|---|---:|---:|---|")
        for target in arguments.target:
            name, baseline, factor = target.split(":")
            ratio = statistics.median(times[name]) / statistics.median(times[baseline])
            best_ratio = min(times[name]) / min(times[baseline])
            verdict = "met" if ratio <= float(factor) else "MISSED"
            print(f"| {name} / {baseline} | {ratio:.2f} ({best_ratio:.2f}) | {float(factor):.2f} | {verdict} |")

    if arguments.beyond:
        print()
        print("| command | median beyond its floor (ms) | floor |")
        print("|---|---:|---|")
        for item in arguments.beyond:
            name, floor = item.split(":")
            beyond = statistics.median(times[name]) - statistics.median(times[floor])
            print(f"| {name} | {beyond:.2f} | {floor} |")


if __name__ == "__main__":
    main()
