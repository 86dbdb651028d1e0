#!/usr/bin/env bash
# `make bench`: every benchmark in one run, on the same machine and inputs, our figures beside the peers',
# then bench/RESULTS.md assembled from the parts (bench/results/*.md). Each part prints the command that
# reproduces it. Root is needed for the sandbox (daemon latency and footprint) and to install the peers
# (fail2ban, sshguard) without starting their services.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p bench/results

echo "== building the release binary once (static Swift stdlib)" >&2
swift build -c release --static-swift-stdlib --product sshd-auditor >&2

echo "== sshd log parsing beside fail2ban-regex, sshguard and grep (bench/logs.sh)" >&2
SKIP_BUILD=1 bash bench/logs.sh

echo "== listening sockets beside ss and cat, 60,000 sockets open (bench/sockets.sh)" >&2
SKIP_BUILD=1 bash bench/sockets.sh > bench/results/sockets.md

if [[ -f bench/daemon.sh ]]; then
    echo "== the daemon: detection latency, footprint, cold start (bench/daemon.sh)" >&2
    SKIP_BUILD=1 bash bench/daemon.sh
fi

{
    echo "# Benchmark results"
    echo
    echo "Written by \`make bench\` (bench/run-all.sh) on $(date -u '+%Y-%m-%d %H:%M UTC'):"
    echo "$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'),"
    echo "load average $(cut -d' ' -f1-3 /proc/loadavg) at the end. Each section names the command that"
    echo "reproduces it. On a shared machine elapsed times move with the load: the CPU-time columns are the"
    echo "steadier comparison."
    for part in logs sockets daemon; do
        [[ -f bench/results/$part.md ]] || continue
        echo
        cat "bench/results/$part.md"
    done
} > bench/RESULTS.md
echo "== bench/RESULTS.md written" >&2
