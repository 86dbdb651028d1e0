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
prog="bench/daemon-profile"
# shellcheck source=scripts/lib/sandbox-bench.sh
. "$repo/scripts/lib/sandbox-bench.sh"
cd "$repo"
window="${WINDOW:-30}"
rate="${RATE:-5000}"
log="${LOG:-journal}"
limit="${LIMIT:-300}"
require_root
run_bounded BENCH_PROFILE_BOUNDED "$limit" "$@"
command -v perf >/dev/null || die "perf is not installed (apt-get install linux-perf)"
require_release

sandbox_workdir profile
sandbox_boot
sandbox_install
sandbox_configure journald-no-rate-limit
[ "$log" != file ] || sandbox_configure log-source-file auth-log
sandbox_activate
start_auditor
sleep 3

# The daemon's PID as the host sees it, into host_pid.
find_host_pid() {
    local inner
    inner=$(daemon_pid)
    host_pid=$(host_pid_of "$inner")
    [ -n "$host_pid" ] || die "cannot find the daemon's host PID"
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
sandbox_configure auditor-no-start-limit
inside "systemctl daemon-reload"
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
bash -c "$(flood_command "$log")" &
flood=$!
perf record -q -F 999 -g -p "$host_pid" -o "$work/flood.data" -- sleep "$window" 2>/dev/null
wait "$flood"
report "$work/flood.data"
mappings flood
