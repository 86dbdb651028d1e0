#!/usr/bin/env bash
# Where the daemon's time and memory go, for the targets bench/daemon.sh reports missed: boots the sandbox,
# installs the release build, then from the host (the daemon's host PID, symbols through /proc/PID/root):
#   - perf record -g of the daemon for WINDOW s idle, then for WINDOW s under RATE sshd lines/s (journal);
#   - the daemon's memory by mapping (/proc/PID/smaps: the largest Rss, anonymous vs file) after each;
#   - cold start: COLD_TRIALS starts, each with the wall time from exec to READY=1 beside the CPU the daemon
#     and its `sshd -t` child had used by then (utime+stime, cutime+cstime): CPU well below wall time means
#     the start waited (for the CPU on a loaded machine, for the child, for the bus), not computed.
# Prints the top of each perf report and the mappings. Bounded (LIMIT s, default 300), cleans up (trap).
#
#   bench/daemon-profile.sh          WINDOW=30 RATE=5000, sshd's log in the journal
#   LOG=file bench/daemon-profile.sh  the same with LogSource=file, the flood appended to /var/log/auth.log
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
window="${WINDOW:-30}"
rate="${RATE:-5000}"
log="${LOG:-journal}"
limit="${LIMIT:-300}"
[ "$(id -u)" -eq 0 ] || {
    echo "bench/daemon-profile: needs root" >&2
    exit 1
}
if [ -z "${BENCH_PROFILE_BOUNDED:-}" ]; then
    BENCH_PROFILE_BOUNDED=1 exec timeout -s TERM "$limit" "$0" "$@"
fi
command -v perf >/dev/null || {
    echo "bench/daemon-profile: perf is not installed (apt-get install linux-perf)" >&2
    exit 1
}

work=$(mktemp -d /tmp/sshd-auditor-profile.XXXXXX)
dir="$work/sandbox"
pid=""
cleanup() {
    local status=$?
    trap - EXIT INT TERM
    [ -z "$pid" ] || bash scripts/sandbox.sh poweroff "$pid" "$dir" || status=1
    rm -rf --one-file-system "$work"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
inside() { timeout 60 nsenter -t "$pid" -a -r -w /bin/sh -c "$*"; }

pid=$(bash scripts/sandbox.sh boot "$dir")
make --no-print-directory install-files DESTDIR="/proc/$pid/root" PREFIX=/usr >/dev/null
inside "mkdir -p /etc/systemd/journald.conf.d && printf '[Journal]\nRateLimitIntervalSec=0\n' >/etc/systemd/journald.conf.d/bench.conf"
if [ "$log" = file ]; then
    inside "mkdir -p /etc/sshd-auditor.conf.d && printf '[Sources]\nLogSource=file\n' >/etc/sshd-auditor.conf.d/bench-file.conf && : >/var/log/auth.log && chgrp adm /var/log/auth.log && chmod 0640 /var/log/auth.log"
fi
inside "systemd-sysusers && journalctl --update-catalog && systemctl daemon-reload && systemctl restart systemd-journald && systemctl enable --now sshd-auditor" >&2
sleep 3

# The daemon's PID as the host sees it (the sandbox's MainPID is in its own pid namespace), into host_pid. Only
# a process in this sandbox's pid namespace counts: another sandbox on the machine (a test, another engineer's
# run) has its own daemon with the same inner PID.
find_host_pid() {
    local inner status candidate
    inner=$(inside "systemctl show -p MainPID --value sshd-auditor")
    host_pid=""
    for status in /proc/[0-9]*/status; do
        candidate=$(basename "$(dirname "$status")")
        if awk -v inner="$inner" '/^NSpid:/ { exit !($NF == inner && NF == 3) }' "$status" 2>/dev/null &&
            [ "$(awk '/^Name:/ { print $2 }' "$status")" = sshd-auditor ] &&
            [ "$(readlink "/proc/$candidate/ns/pid")" = "$(readlink "/proc/$pid/ns/pid")" ]; then
            host_pid=$candidate
            break
        fi
    done
    [ -n "$host_pid" ] || {
        echo "bench/daemon-profile: cannot find the daemon's host PID" >&2
        exit 1
    }
    echo "daemon: sandbox PID $inner, host PID $host_pid" >&2
}

mappings() {
    echo "--- $1: /proc/PID/smaps, the ten largest mappings by Rss (kB)"
    awk '/^[0-9a-f]+-[0-9a-f]+ / { name = ($6 == "" ? "[anon]" : $6) } /^Rss:/ { rss[name] += $2 } /^Anonymous:/ { anon[name] += $2 }
        END { for (n in rss) printf "%8d %8d  %s\n", rss[n], anon[n], n }' "/proc/$host_pid/smaps" | sort -rn | head -n 10 || true
    echo "    (columns: Rss, of it Anonymous, mapping)"
    grep -E '^(VmRSS|VmHWM|RssAnon|RssFile|Threads)' "/proc/$host_pid/status"
}

report() {
    # Samples include the `sshd -t` children (perf follows forks): their DSOs are ld-linux, libcrypto, sshd.
    perf report -i "$1" --no-children --sort comm,dso,symbol -g none --percent-limit 1.5 --stdio 2>/dev/null |
        grep -v '^#' | grep -v '^$' | head -n 30 || true
}

echo "=== cold start, ${COLD_TRIALS:-10} trials: exec to READY=1 (ms), CPU by then (ms): self, sshd -t children"
inside "mkdir -p /etc/systemd/system/sshd-auditor.service.d && printf '[Unit]\nStartLimitIntervalSec=0\n' >/etc/systemd/system/sshd-auditor.service.d/bench-limit.conf && systemctl daemon-reload"
hz=$(getconf CLK_TCK)
for _ in $(seq 1 "${COLD_TRIALS:-10}"); do
    inside "systemctl stop sshd-auditor; systemctl start sshd-auditor"'
        p=$(systemctl show -p MainPID --value sshd-auditor)
        cpu=$(awk -v hz='"$hz"' '"'"'{ sub(/.*\) /, ""); printf "%.0f %.0f", ($12 + $13) * 1000 / hz, ($14 + $15) * 1000 / hz }'"'"' /proc/$p/stat)
        systemctl show -p ExecMainStartTimestampMonotonic -p ActiveEnterTimestampMonotonic sshd-auditor |
            awk -F= -v cpu="$cpu" '"'"'{ v[$1] = $2 } END { printf "%6.1f   %s\n", (v["ActiveEnterTimestampMonotonic"] - v["ExecMainStartTimestampMonotonic"]) / 1000, cpu }'"'"
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
# Where those CPU milliseconds go: every CPU sampled during five more starts (the daemon does not exist
# before its start, so -p cannot follow it), then only the daemon's threads reported.
inside "systemctl stop sshd-auditor"
perf record -q -F 999 -a -g -o "$work/start.data" -- \
    nsenter -t "$pid" -a -r -w /bin/sh -c 'for i in 1 2 3 4 5; do systemctl start sshd-auditor; systemctl stop sshd-auditor; done' 2>/dev/null
inside "systemctl start sshd-auditor"
# "(-auditor)" is systemd's child between fork and exec, setting up the unit's sandboxing: it is part of
# ExecMainStart to READY=1. Percentages of these processes' samples only; the machine's other load is left out.
echo "--- the starts: samples by process, then the daemon's and its exec setup's top symbols"
perf report -i "$work/start.data" --comms '(-auditor),sshd-auditor,oot.default-qos,sshd' --percentage relative \
    --sort comm -g none --stdio 2>/dev/null | grep -v '^#' | grep -v '^$' | head -n 8 || true
perf report -i "$work/start.data" --comms '(-auditor),sshd-auditor,oot.default-qos' --percentage relative --no-children \
    --sort comm,dso,symbol -g none --percent-limit 2 --stdio 2>/dev/null | grep -v '^#' | grep -v '^$' | head -n 25 || true
sleep 3
find_host_pid

echo "=== idle, ${window} s"
perf record -q -F 999 -g -p "$host_pid" -o "$work/idle.data" -- sleep "$window" 2>/dev/null
report "$work/idle.data"
mappings idle

echo "=== flood, ${window} s at $rate lines/s into the $log"
if [ "$log" = file ]; then
    python3 bench/flood.py --rate "$rate" --seconds "$window" --format syslog "/proc/$pid/root/var/log/auth.log" &
else
    python3 bench/flood.py --rate "$rate" --seconds "$window" --format message - | nsenter -t "$pid" -a -r -w logger -t sshd &
fi
flood=$!
perf record -q -F 999 -g -p "$host_pid" -o "$work/flood.data" -- sleep "$window" 2>/dev/null
wait "$flood"
report "$work/flood.data"
mappings flood
