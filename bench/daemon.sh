#!/usr/bin/env bash
# Benchmark: the daemon's detection latency, footprint and cold start (issue #5, points 3, 4 and 5), in the
# real-systemd sandbox (scripts/sandbox.sh), beside fail2ban-server and sshguard for the footprint.
#
#   bench/daemon.sh              everything, about 10 minutes; prints the table, writes bench/results/daemon.md
#                                (with bench/results/daemon-notes.md, the hand-written closing note, appended)
#   TRIALS=5 WINDOW=10 bench/daemon.sh   a quick run (fewer latency trials, shorter footprint windows)
#
# What it does, in order (every wait bounded, the whole run killed after LIMIT seconds, default 900):
#   1. boots the sandbox, installs the release build as a package would (make install-files), enables it;
#   2. cold start: COLD_TRIALS x `systemctl start sshd-auditor` (Type=notify), ExecMainStartTimestampMonotonic
#      to ActiveEnterTimestampMonotonic, the time from exec to READY=1;
#   3. detection latency, D-Bus signal subscription on: TRIALS x `systemctl stop ssh` and TRIALS x `kill -9`
#      of sshd's MainPID, each from CLOCK_REALTIME read inside the sandbox just before the action to the
#      sshd-down raised entry's __REALTIME_TIMESTAMP; ssh is started again and the resolved entry awaited
#      between trials;
#   4. footprint, sshd's log in the journal (Debian 12's default): WINDOW s idle, then WINDOW s of RATE
#      sshd lines/s through `logger -t sshd`;
#   5. the latency trials again with `sshd-auditor run --poll-only` (a drop-in ExecStart=) and PollInterval=5s;
#   6. footprint, sshd's log in a file (LogSource=file): the daemon, fail2ban-server (sshd jail, polling
#      backend, no actions) and sshguard (its log-tail | parser | blocker | null-firewall pipeline) all
#      follow the same auth.log: WINDOW s idle, then WINDOW s of RATE lines/s appended to it.
# RSS is VmRSS (at the end of the window) and VmHWM (peak) from /proc/PID/status; CPU is utime+stime from
# /proc/PID/stat over the window, as a percentage of one core; "+children" adds cutime+cstime (the
# `sshd -t` runs the daemon waits for). fail2ban and sshguard run on the host (the sandbox has no network
# for apt) with policy-rc.d untouched: this script starts them by hand and stops them by PID.
#
# Needs root (namespaces), the release build (`make release`; built here unless SKIP_BUILD=1), and for the
# peers fail2ban and sshguard installed on the host (skipped with a note when absent).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
prog="bench/daemon"
# shellcheck source=scripts/lib/sandbox-bench.sh
. "$repo/scripts/lib/sandbox-bench.sh"
cd "$repo"
results="$repo/bench/results/daemon.md"

trials="${TRIALS:-20}"
cold_trials="${COLD_TRIALS:-10}"
window="${WINDOW:-60}"
rate="${RATE:-5000}"
limit="${LIMIT:-900}"
clock_ticks=$(getconf CLK_TCK)

require_root
run_bounded BENCH_DAEMON_BOUNDED "$limit" "$@"
build_release

sandbox_workdir benchd
flood_pid=""
fail2ban_pid=""
sshguard_pgid=""
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

down_raised=$(message_id sshd-down raised)
down_resolved=$(message_id sshd-down resolved)
[ -n "$down_raised" ] && [ -n "$down_resolved" ] || die "no sshd-down entries in $catalog"

# "p50 p99 max n" of the numbers on stdin (nearest rank; with 20 samples p99 is the largest).
stats() {
    sort -n | awk '{ v[NR] = $1 } END {
        if (NR == 0) { print "- - - 0"; exit }
        p50 = v[int((NR * 50 + 99) / 100)]; p99 = v[int((NR * 99 + 99) / 100)]
        printf "%s %s %s %d\n", p50, p99, v[NR], NR }'
}

# One latency run: TRIALS x ACTION (stop or kill); writes one latency in ms per line to FILE, "miss" for an
# alert that did not come within 15 s. Each trial starts after a random pause of up to JITTER s: the loop
# itself is paced by the daemon's cycles (it waits for the resolved entry), so without it every poll-only
# trial would land at the same point of the poll interval and measure one phase, not the distribution.
latency_trials() {
    local action="$1" file="$2" jitter="$3" i marker at resolved_marker
    : >"$file"
    for i in $(seq 1 "$trials"); do
        sleep "$(awk -v j="$jitter" -v s="$RANDOM" 'BEGIN { srand(s); printf "%.3f", rand() * j }')"
        marker=$(break_sshd "$action")
        [ -n "$marker" ] || die "trial $i: could not $action sshd (not running?)"
        at=$(wait_entry "$down_raised" "$marker" 15)
        if [ -n "$at" ]; then
            awk -v d="$((at - marker))" 'BEGIN { printf "%.1f\n", d / 1000 }' >>"$file"
        else
            echo miss >>"$file"
        fi
        resolved_marker=$(inside 'date +%s%6N; systemctl reset-failed ssh 2>/dev/null; systemctl start ssh' | head -n 1)
        [ -n "$(wait_entry "$down_resolved" "$resolved_marker" 15)" ] || echo "bench/daemon: trial $i: no resolved entry within 15 s" >&2
        # ReraiseInterval=1s below: the next raise must not fall inside the flap suppression.
        sleep 1.1
    done
    printf '    %s: %s\n' "$action" "$(tr '\n' ' ' <"$file")" >&2
}

# One line for the daemon (PID $1, inside the sandbox): "ticks child_ticks rss_kib hwm_kib cgroup_ns", ticks
# being utime+stime and cutime+cstime; cgroup_ns is the unit's CPUUsageNSec, "-" when systemd has none.
daemon_sample() {
    inside "p=$1;"' cg=$(systemctl show -p CPUUsageNSec --value sshd-auditor)
        case "$cg" in "" | *[!0-9]*) cg=- ;; esac
        t=$(awk '"'"'{ sub(/.*\) /, ""); print $12 + $13, $14 + $15 }'"'"' /proc/$p/stat)
        m=$(awk '"'"'/^VmRSS:/ { r = $2 } /^VmHWM:/ { h = $2 } END { print r, h }'"'"' /proc/$p/status)
        echo "$t $m $cg"'
}

# Host processes: the sum of utime+stime (ticks) and of VmRSS/VmHWM (KiB) over the PIDs given.
host_sample() {
    local ticks=0 rss=0 hwm=0 p t r h
    for p in "$@"; do
        t=$(awk '{ sub(/.*\) /, ""); print $12 + $13 }' "/proc/$p/stat" 2>/dev/null) || continue
        r=$(awk '/^VmRSS:/ { print $2 }' "/proc/$p/status" 2>/dev/null)
        h=$(awk '/^VmHWM:/ { print $2 }' "/proc/$p/status" 2>/dev/null)
        ticks=$((ticks + t)) rss=$((rss + ${r:-0})) hwm=$((hwm + ${h:-0}))
    done
    echo "$ticks $rss $hwm"
}
peer_pids() {
    case "$1" in
    fail2ban) echo "$fail2ban_pid" ;;
    sshguard) pgrep -s "$sshguard_pgid" | tr '\n' ' ' ;;
    esac
}

# Footprint rows, one per process measured, appended to $footprint as
# "phase|process|rss_kib|hwm_kib|cpu_percent|cpu_with_children_percent".
footprint=$work/footprint
: >"$footprint"

# Measures the daemon (and the peers when $2 = peers) over WINDOW s while $3 (a command, may be empty) runs.
measure() {
    local phase="$1" with_peers="$2" load="$3" p before after start_ns end_ns elapsed
    local -A peer_before=()
    p=$(daemon_pid)
    before=$(daemon_sample "$p")
    if [ "$with_peers" = peers ]; then
        for peer in fail2ban sshguard; do
            # shellcheck disable=SC2046 # a list of PIDs
            peer_before[$peer]=$(host_sample $(peer_pids "$peer"))
        done
    fi
    start_ns=$(date +%s%N)
    if [ -n "$load" ]; then
        bash -c "$load" &
        flood_pid=$!
        wait "$flood_pid" || die "the flood failed"
        flood_pid=""
    else
        sleep "$window"
    fi
    end_ns=$(date +%s%N)
    after=$(daemon_sample "$p")
    [ "$(daemon_pid)" = "$p" ] || die "the daemon restarted during $phase"
    elapsed=$(((end_ns - start_ns) / 1000000))
    # shellcheck disable=SC2086 # word-split the samples
    set -- $before $after
    # $1 ticks, $2 child ticks, $3 rss, $4 hwm, $5 cgroup ns; $6.. the same after.
    awk -v phase="$phase" -v ms="$elapsed" -v hz="$clock_ticks" -v t0="$1" -v c0="$2" -v t1="$6" -v c1="$7" \
        -v rss="$8" -v hwm="$9" -v g0="$5" -v g1="${10}" 'BEGIN {
            cpu = (t1 - t0) / hz / (ms / 1000) * 100
            all = (t1 - t0 + c1 - c0) / hz / (ms / 1000) * 100
            cg = (g0 ~ /^[0-9]+$/ && g1 ~ /^[0-9]+$/) ? sprintf("%.3f", (g1 - g0) / 1e9 / (ms / 1000) * 100) : "n/a"
            printf "%s|sshd-auditor|%d|%d|%.3f|%.3f|%s\n", phase, rss, hwm, cpu, all, cg }' >>"$footprint"
    if [ "$with_peers" = peers ]; then
        for peer in fail2ban sshguard; do
            # shellcheck disable=SC2046,SC2086
            set -- ${peer_before[$peer]} $(host_sample $(peer_pids "$peer"))
            awk -v phase="$phase" -v peer="$peer" -v ms="$elapsed" -v hz="$clock_ticks" -v t0="$1" -v t1="$4" \
                -v rss="$5" -v hwm="$6" 'BEGIN {
                    printf "%s|%s|%d|%d|%.3f|-|-\n", phase, peer, rss, hwm, (t1 - t0) / hz / (ms / 1000) * 100 }' >>"$footprint"
        done
    fi
    tail -n "$([ "$with_peers" = peers ] && echo 3 || echo 1)" "$footprint" | sed 's/^/    /' >&2
}

# fail2ban-server (sshd jail, polling backend: python3-pyinotify is not installed; no actions, so nothing is
# banned for real) and sshguard (its own pipeline with the null firewall backend), both on $1.
start_peers() {
    local log="$1"
    if command -v fail2ban-server >/dev/null; then
        cp -r /etc/fail2ban "$work/fail2ban"
        # Debian's jail.d enables sshd on the journal; this run configures its one jail itself.
        rm -f "$work/fail2ban/jail.d/"*
        cat >"$work/fail2ban/fail2ban.local" <<EOF
[Definition]
dbfile = :memory:
EOF
        cat >"$work/fail2ban/jail.local" <<EOF
[DEFAULT]
enabled = false

[sshd]
enabled = true
backend = polling
logpath = $log
action =
EOF
        fail2ban-server -f -x -c "$work/fail2ban" -s "$work/fail2ban.sock" -p "$work/fail2ban.pid" \
            --logtarget "$work/fail2ban.log" --loglevel INFO </dev/null >"$work/fail2ban.out" 2>&1 &
        fail2ban_pid=$!
    fi
    if [ -x /usr/libexec/sshguard/sshg-blocker ]; then
        local libexec=/usr/libexec/sshguard
        # What /usr/sbin/sshguard runs, without its fixed /etc/sshguard/sshguard.conf; -a 30 -p 120 -s 1800
        # are its defaults. setsid: one session to measure and to stop.
        setsid bash -c "$libexec/sshg-logtail '$log' | $libexec/sshg-parser | $libexec/sshg-blocker -a 30 -p 120 -s 1800 | $libexec/sshg-fw-null" \
            </dev/null >"$work/sshguard.out" 2>&1 &
        sshguard_pgid=$!
    fi
    sleep 5
    [ -z "$fail2ban_pid" ] || kill -0 "$fail2ban_pid" 2>/dev/null || die "fail2ban-server exited: $(tail -n 5 "$work/fail2ban.out" "$work/fail2ban.log" 2>/dev/null)"
    [ -z "$sshguard_pgid" ] || [ -n "$(pgrep -s "$sshguard_pgid")" ] || die "sshguard exited: $(tail -n 5 "$work/sshguard.out")"
}

stop_peers() {
    if [ -n "$fail2ban_pid" ]; then
        kill "$fail2ban_pid" 2>/dev/null || true
        timeout 10 tail --pid="$fail2ban_pid" -f /dev/null || kill -9 "$fail2ban_pid" 2>/dev/null || true
        fail2ban_pid=""
    fi
    if [ -n "$sshguard_pgid" ]; then
        kill -- "-$sshguard_pgid" 2>/dev/null || true
        sleep 0.5
        kill -9 -- "-$sshguard_pgid" 2>/dev/null || true
        sshguard_pgid=""
    fi
    return 0
}

# The EXIT trap's hook (scripts/lib/sandbox-bench.sh): stops the flood and the peers, by PID.
before_poweroff() {
    [ -z "$flood_pid" ] || kill "$flood_pid" 2>/dev/null || true
    stop_peers
}

# --- 1. the sandbox ---------------------------------------------------------------------------------------
say "Booting the sandbox and installing the release build"
sandbox_boot
sandbox_install
sandbox_configure fast-reraise ssh-no-restart auditor-no-start-limit journald-no-rate-limit cpu-accounting
sandbox_activate daemon-reexec
start_auditor
sleep 2

# --- 2. cold start ----------------------------------------------------------------------------------------
say "Cold start to READY=1, $cold_trials trials"
cold=$work/cold
: >"$cold"
for i in $(seq 1 "$cold_trials"); do
    inside "systemctl stop sshd-auditor"
    inside "systemctl start sshd-auditor"
    inside "systemctl show -p ExecMainStartTimestampMonotonic -p ActiveEnterTimestampMonotonic sshd-auditor" |
        awk -F= '{ v[$1] = $2 } END { printf "%.1f\n", (v["ActiveEnterTimestampMonotonic"] - v["ExecMainStartTimestampMonotonic"]) / 1000 }' >>"$cold"
done
printf '    %s\n' "$(tr '\n' ' ' <"$cold")" >&2
sleep 2

# --- 3. latency with the signal subscription ----------------------------------------------------------------
say "Detection latency, D-Bus signals on: $trials x stop, $trials x kill -9"
latency_trials stop "$work/lat-signal-stop" 1
latency_trials kill "$work/lat-signal-kill" 1

# --- 4. footprint, journal ----------------------------------------------------------------------------------
say "Footprint, log in the journal: ${window} s idle, then ${window} s at ${rate} lines/s"
sleep 5
measure "idle, journal" none ""
flood_start=$(inside 'date +%s')
measure "flood, journal" none "$(flood_command journal)"
sleep 2
journal_lines=$(inside "journalctl -q -o cat -t sshd --since=@$flood_start | wc -l" || echo "?")
echo "    the sandbox's journal stored $journal_lines flood lines" >&2
# What the daemon's RSS is made of after the flood: anonymous memory (heap, stacks) or mapped file pages.
rollup=$(inside "awk '/^(Rss|Pss_Anon|Pss_File|Pss_Shmem|Anonymous):/ { printf \"%s %s kB; \", \$1, \$2 }' /proc/$(daemon_pid)/smaps_rollup" || true)
echo "    smaps_rollup: $rollup" >&2

# --- 5. latency, poll only ----------------------------------------------------------------------------------
say "Detection latency, poll only (--poll-only): $trials x stop, $trials x kill -9"
# PollInterval=5s: the reference is the poll the daemon had before it woke on log input (the default is 30 s
# now); with 30 s, kill -9 would mostly miss the 15 s wait for the entry.
inside "printf '[Daemon]\nPollInterval=5s\n' >/etc/sshd-auditor.conf.d/bench-poll.conf"
inside "mkdir -p /etc/systemd/system/sshd-auditor.service.d && printf '[Service]\nExecStart=\nExecStart=/usr/bin/sshd-auditor run --poll-only\n' >/etc/systemd/system/sshd-auditor.service.d/bench-poll.conf && systemctl daemon-reload && systemctl restart sshd-auditor"
wait_active sshd-auditor
sleep 2
# Up to one PollInterval (5 s) of jitter: a random phase of the poll.
latency_trials stop "$work/lat-poll-stop" 5
latency_trials kill "$work/lat-poll-kill" 5

# --- 6. footprint, file, beside the peers -------------------------------------------------------------------
say "Footprint, log in /var/log/auth.log (LogSource=file), beside fail2ban-server and sshguard"
inside "rm /etc/systemd/system/sshd-auditor.service.d/bench-poll.conf /etc/sshd-auditor.conf.d/bench-poll.conf"
sandbox_configure auth-log log-source-file
inside "systemctl daemon-reload && systemctl restart sshd-auditor"
wait_active sshd-auditor
auth_log="/proc/$pid/root/var/log/auth.log"
start_peers "$auth_log"
measure "idle, auth.log" peers ""
measure "flood, auth.log" peers "$(flood_command file)"
file_lines=$(wc -l <"$auth_log")
stop_peers

# --- the table ----------------------------------------------------------------------------------------------
verdict() { awk -v v="$1" -v t="$2" 'BEGIN { if (v == "-" || v == "miss") print "n/a"; else if (v + 0 < t + 0) print "pass"; else printf "MISS (%.1fx)\n", v / t }'; }
verdict_le() { awk -v v="$1" -v t="$2" 'BEGIN { if (v + 0 <= t + 0) print "pass"; else printf "MISS (+%.1f)\n", v - t }'; }

latency_row() {
    local label="$1" file="$2" target="$3" misses p50 p99 max n
    misses=$(grep -c miss "$file" || true)
    read -r p50 p99 max n < <(grep -v miss "$file" | stats)
    printf '| %s | %s | %s | %s | %s/%s | %s | %s |\n' "$label" "$p50" "$p99" "$max" "$n" "$trials" "$target" \
        "$([ "$target" = "-" ] && echo "(reference)" || { [ "$misses" -gt 0 ] && echo "MISS ($misses not detected)" || verdict "$p99" 250; })"
}

table=$work/table
{
    echo "### Detection latency (ms, action to the sshd-down entry's __REALTIME_TIMESTAMP)"
    echo
    echo "| case | p50 | p99 | max | detected | target p99 | verdict |"
    echo "|---|---|---|---|---|---|---|"
    latency_row "systemctl stop ssh, D-Bus signals" "$work/lat-signal-stop" "< 250"
    latency_row "kill -9 sshd, D-Bus signals" "$work/lat-signal-kill" "< 250"
    latency_row "systemctl stop ssh, --poll-only" "$work/lat-poll-stop" "-"
    latency_row "kill -9 sshd, --poll-only" "$work/lat-poll-kill" "-"
    echo
    echo "### Footprint over ${window} s (CPU: % of one core; RSS, peak RSS: MiB)"
    echo
    echo "| window | process | RSS | peak RSS | CPU | CPU +children | CPU (cgroup) | RSS target | CPU target | verdict |"
    echo "|---|---|---|---|---|---|---|---|---|---|"
    while IFS='|' read -r phase process rss hwm cpu all cg; do
        rss_mib=$(awk -v k="$rss" 'BEGIN { printf "%.1f", k / 1024 }')
        hwm_mib=$(awk -v k="$hwm" 'BEGIN { printf "%.1f", k / 1024 }')
        if [ "$process" = sshd-auditor ]; then
            case "$phase" in idle*) cpu_target=0.05 ;; *) cpu_target=5 ;; esac
            v_rss=$(verdict_le "$hwm_mib" 12)
            v_cpu=$(verdict "$all" "$cpu_target")
            printf '| %s | %s | %s | %s | %s | %s | %s | <= 12 | < %s | RSS %s, CPU %s |\n' "$phase" "$process" "$rss_mib" "$hwm_mib" "$cpu" "$all" "$cg" "$cpu_target" "$v_rss" "$v_cpu"
        else
            printf '| %s | %s | %s | %s | %s | - | - | - | - | (peer) |\n' "$phase" "$process" "$rss_mib" "$hwm_mib" "$cpu"
        fi
    done <"$footprint"
    echo
    echo "The daemon's /proc/PID/smaps_rollup after the journal flood: $rollup"
    echo
    echo "Flood lines: $journal_lines stored by the sandbox's journal (logger -t sshd); $file_lines appended to auth.log."
    echo
    echo "### Cold start to READY=1 (ms, ExecMainStartTimestampMonotonic to ActiveEnterTimestampMonotonic)"
    echo
    read -r c50 _ cmax cn < <(stats <"$cold")
    echo "| trials | p50 | max | target | verdict (p50; max) |"
    echo "|---|---|---|---|---|"
    echo "| $cn | $c50 | $cmax | < 100 | $(verdict "$c50" 100); $(verdict "$cmax" 100) |"
} >"$table"

load_after=$(cut -d' ' -f1-3 /proc/loadavg)
mkdir -p "$(dirname "$results")"
{
    echo "# sshd-auditor daemon: latency, footprint, cold start"
    echo
    echo "Generated by \`bench/daemon.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git -C "$repo" rev-parse --short HEAD)."
    echo "Reproduce: \`make release && SKIP_BUILD=1 TRIALS=$trials COLD_TRIALS=$cold_trials WINDOW=$window RATE=$rate bench/daemon.sh\` (root)."
    echo
    echo "Machine: $(nproc) CPUs, $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo), $(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo);"
    echo "$(uname -sr); load average $load_before at the start, $load_after at the end (the machine is shared)."
    echo "The daemon runs as installed (release build, static Swift stdlib, the hardened unit) in the"
    echo "real-systemd sandbox (scripts/sandbox.sh); fail2ban-server $(fail2ban-server -V 2>/dev/null || echo '?') and sshguard"
    echo "$(dpkg-query -W -f '${Version}' sshguard 2>/dev/null || echo '?') run on the host against the sandbox's auth.log."
    echo
    cat "$table"
    # The hand-written reading of the figures and of bench/daemon-profile.sh, kept beside the generated part.
    if [ -f "$repo/bench/results/daemon-notes.md" ]; then
        echo
        cat "$repo/bench/results/daemon-notes.md"
    fi
} >"$results"
echo
cat "$table"
echo
echo "written to ${results#"$repo"/}"
