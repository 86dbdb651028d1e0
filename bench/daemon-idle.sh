#!/usr/bin/env bash
# Benchmark: the daemon at rest (issue #5, point 4: idle CPU under 0.05 % of a core) and the latencies its
# wake-ups must keep, in the real-systemd sandbox, with the installed release build. A short companion to
# bench/daemon.sh, which measures the same idle window among everything else in about ten minutes.
#
#   bench/daemon-idle.sh                       WINDOW=60 s idle per log source, TRIALS=5 per latency case
#   WINDOW=300 TRIALS=0 bench/daemon-idle.sh   a longer idle window (finer CPU figures), no latency trials
#   SETUP='printf "[Daemon]\nPollInterval=1min\n" >/etc/sshd-auditor.conf.d/poll.conf' bench/daemon-idle.sh
#                                              SETUP runs inside the sandbox before the daemon starts
#
# What it does (every wait bounded, the whole run killed after LIMIT seconds, default 900):
#   1. boots the sandbox, installs the release build (make install-files), configures it as bench/daemon.sh
#      does (ReraiseInterval=1s, ssh.service Restart=no, no journald rate limit), enables the daemon;
#   2. idle, sshd's log in the journal: WINDOW s with nothing happening;
#   3. latency: TRIALS x `systemctl stop ssh` and TRIALS x `kill -9` of sshd's MainPID, to the sshd-down raised
#      entry; TRIALS x a burst of 10 failed passwords from one new address (logger -t sshd), from the last
#      line to the auth-failure-burst raised entry;
#   4. the same idle window and log burst trials with LogSource=file (an empty /var/log/auth.log);
#   with FLOOD=1, after each idle window, WINDOW s of RATE sshd lines/s (bench/flood.py, as bench/daemon.sh
#   floods) into the journal (logger -t sshd) and into auth.log, measured the same way.
# Each idle row gives the daemon's CPU three ways: utime+stime from /proc/PID/stat (10 ms ticks, what
# bench/daemon.sh reports), `perf stat` task-clock (ns, all threads; when perf is installed), and the
# context switches perf counts (each one a wake-up of some thread of the daemon), with `sshd -t` children
# (cutime+cstime) beside.
#
# Needs root (namespaces) and the release build (`swift build -c release --static-swift-stdlib --product
# sshd-auditor`, or `make release`).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
prog="bench/daemon-idle"
# shellcheck source=scripts/lib/sandbox-bench.sh
. "$repo/scripts/lib/sandbox-bench.sh"
cd "$repo"
window="${WINDOW:-60}"
trials="${TRIALS:-5}"
rate="${RATE:-5000}"
limit="${LIMIT:-900}"
clock_ticks=$(getconf CLK_TCK)

require_root
run_bounded BENCH_IDLE_BOUNDED "$limit" "$@"
require_release
sandbox_workdir benchidle

down_raised=$(message_id sshd-down)
burst_raised=$(message_id auth-failure-burst)
[ -n "$down_raised" ] && [ -n "$burst_raised" ] || die "no catalog entries in $catalog"

# "utime+stime cutime+cstime" in ticks for host PID $1.
ticks() { awk '{ sub(/.*\) /, ""); print $12 + $13, $14 + $15 }' "/proc/$1/stat"; }

# One row: WINDOW s of nothing, or of the command $2 (run on the host while perf counts), measured.
idle_row() {
    local label="$1" load="${2:-sleep $window}" inner host before after start_ns end_ns perf_out task_ms switches
    sleep 5
    inner=$(daemon_pid)
    host=$(host_pid_of "$inner")
    [ -n "$host" ] || die "cannot find the daemon's host PID"
    before=$(ticks "$host")
    start_ns=$(date +%s%N)
    if command -v perf >/dev/null; then
        perf_out=$(perf stat -x, -e task-clock,context-switches -p "$host" -- bash -c "$load" 2>&1 >/dev/null || true)
    else
        bash -c "$load"
        perf_out=""
    fi
    end_ns=$(date +%s%N)
    after=$(ticks "$host")
    [ "$(daemon_pid)" = "$inner" ] || die "the daemon restarted"
    task_ms=$(echo "$perf_out" | awk -F, '$3 == "task-clock" { printf "%.1f", $1 }')
    switches=$(echo "$perf_out" | awk -F, '$3 == "context-switches" { print $1 }')
    # shellcheck disable=SC2086 # word-split the samples
    set -- $before $after
    awk -v label="$label" -v ms="$(((end_ns - start_ns) / 1000000))" -v hz="$clock_ticks" -v t0="$1" -v c0="$2" \
        -v t1="$3" -v c1="$4" -v task="${task_ms:--}" -v sw="${switches:--}" 'BEGIN {
            s = ms / 1000
            perf_pct = (task == "-") ? "-" : sprintf("%.4f", task / 1000 / s * 100)
            perf_min = (task == "-") ? "-" : sprintf("%.1f", task / s * 60)
            sw_min = (sw == "-") ? "-" : sprintf("%.1f", sw / s * 60)
            printf "| %s | %.0f | %.3f | %.3f | %s | %s | %s |\n", label, s, (t1 - t0) / hz / s * 100,
                (t1 - t0 + c1 - c0) / hz / s * 100, perf_pct, perf_min, sw_min }' | tee -a "$work/idle" >&2
}

# TRIALS latencies in ms (one per line) into $2 for action $1: stop, kill or burst.
latency_trials() {
    local action="$1" file="$2" i marker at
    : >"$file"
    for i in $(seq 1 "$trials"); do
        sleep "$(awk -v s="$RANDOM" 'BEGIN { srand(s); printf "%.3f", 1 + rand() }')"
        case "$action" in
        stop | kill) marker=$(break_sshd "$action") ;;
        burst-journal)
            marker=$(inside "for n in 1 2 3 4 5 6 7 8 9 10; do echo \"Failed password for root from 198.18.$i.$((RANDOM % 250 + 1)) port 4242 ssh2\"; done | logger -t sshd; date +%s%6N")
            ;;
        burst-file)
            marker=$(inside "a=198.19.$i.$((RANDOM % 250 + 1)); for n in 1 2 3 4 5 6 7 8 9 10; do echo \"\$(date '+%b %e %H:%M:%S') sandbox sshd[4242]: Failed password for root from \$a port 4242 ssh2\"; done >>/var/log/auth.log; date +%s%6N")
            ;;
        esac
        [ -n "$marker" ] || die "trial $i: could not $action"
        case "$action" in
        stop | kill) at=$(wait_entry "$down_raised" "$marker" 15 0.05) ;;
        *) at=$(wait_entry "$burst_raised" "$marker" 15 0.05) ;;
        esac
        if [ -n "$at" ]; then
            awk -v d="$((at - marker))" 'BEGIN { printf "%.1f\n", d / 1000 }' >>"$file"
        else
            echo miss >>"$file"
        fi
        case "$action" in
        stop | kill)
            inside 'systemctl reset-failed ssh 2>/dev/null; systemctl start ssh'
            wait_active ssh
            sleep 1.5
            ;;
        esac
    done
    printf '| %s | %s |\n' "$action" "$(tr '\n' ' ' <"$file")" | tee -a "$work/latency" >&2
}

say "Booting the sandbox and installing the release build"
sandbox_boot
sandbox_install
sandbox_configure fast-reraise ssh-no-restart journald-no-rate-limit
[ -z "${SETUP:-}" ] || inside "$SETUP"
sandbox_activate
start_auditor
: >"$work/idle"
: >"$work/latency"

say "Idle, sshd's log in the journal: $window s"
idle_row "journal"
if [ "${FLOOD:-0}" = 1 ]; then
    say "Flood, journal: $window s at $rate lines/s"
    idle_row "flood, journal" "$(flood_command journal)"
fi
if [ "$trials" -gt 0 ]; then
    say "Latency, $trials trials each"
    latency_trials stop "$work/lat-stop"
    latency_trials kill "$work/lat-kill"
    latency_trials burst-journal "$work/lat-burst-journal"
fi

say "Idle, sshd's log in /var/log/auth.log (LogSource=file): $window s"
sandbox_configure auth-log log-source-file
inside "systemctl restart sshd-auditor"
wait_active sshd-auditor
idle_row "auth.log"
if [ "${FLOOD:-0}" = 1 ]; then
    say "Flood, auth.log: $window s at $rate lines/s"
    idle_row "flood, auth.log" "$(flood_command file)"
fi
[ "$trials" -eq 0 ] || latency_trials burst-file "$work/lat-burst-file"

echo
echo "sshd-auditor at rest, commit $(git -C "$repo" rev-parse --short HEAD)$(git -C "$repo" diff --quiet HEAD -- Sources systemd config || echo '+changes'), $(date -u '+%Y-%m-%d %H:%M UTC'); load $(cut -d' ' -f1-3 /proc/loadavg)"
[ -z "${SETUP:-}" ] || echo "SETUP: $SETUP"
echo
echo "| log source (and load) | window s | CPU % (ticks) | +children % | CPU % (perf task-clock) | CPU ms/min (perf) | context switches/min |"
echo "|---|---|---|---|---|---|---|"
cat "$work/idle"
if [ "$trials" -gt 0 ]; then
    echo
    echo "| latency (ms): action to the raised entry | trials |"
    echo "|---|---|"
    cat "$work/latency"
fi
