# shellcheck shell=bash disable=SC2154 # repo, prog, and for flood_command rate and window: the script's own
# What the scripts that run the installed daemon in the real-systemd sandbox (scripts/sandbox.sh) share:
# bench/daemon.sh, bench/daemon-idle.sh, bench/daemon-profile.sh, scripts/order-file.sh and scripts/demo.sh.
# Sourced, never run. Before sourcing, the script sets `repo` (the repository's top directory) and `prog`
# (its name in messages, e.g. "bench/daemon"), and `set -euo pipefail` as every one of them does.
#
# It defines the paths sandbox_script, catalog and binary; the run's state work, dir and pid (set by
# sandbox_workdir and sandbox_boot); and the functions below, each documented where it stands. A script may
# define two hooks the EXIT trap calls: before_poweroff (stops what the script started beside the sandbox)
# and after_cleanup STATUS (a closing word).

sandbox_script="$repo/scripts/sandbox.sh"
catalog="$repo/systemd/sshd-auditor.catalog"
binary="$repo/.build/release/sshd-auditor"

# The scratch directory of the run, the sandbox's directory inside it, and the sandbox's systemd as the host
# sees it (empty until it booted).
work=""
dir=""
pid=""

# journalctl's arguments for the post-mortem the EXIT trap prints when the run failed.
postmortem_journal="-u sshd-auditor -n 30"

# Prints "$prog: MESSAGE" on stderr and exits 1; the EXIT trap cleans up.
die() {
    echo "$prog: $*" >&2
    exit 1
}

# A step's heading, on stderr: stdout is for the script's results. (scripts/demo.sh has its own, on stdout.)
say() { printf '\n==> %s\n' "$*" >&2; }

# Exits unless run as root: the sandbox boots a systemd in private namespaces.
require_root() { [ "$(id -u)" -eq 0 ] || die "needs root: it boots a systemd in private namespaces"; }

# Bounds the whole run: unless the environment variable named $1 is set, runs the script again under
# timeout(1) with it set, so that past $2 seconds it gets SIGTERM and its EXIT trap cleans up. One variable
# per script, so that a bounded script that runs another does not lift the other's bound.
# Call as `run_bounded NAME LIMIT "$@"` (the script's own arguments last).
run_bounded() {
    local var="$1" limit="$2"
    shift 2
    if [ -z "${!var:-}" ]; then
        export "$var=1"
        exec timeout -s TERM "$limit" "$0" "$@"
    fi
}

# Builds the release binary (make release) unless SKIP_BUILD=1, then requires it.
build_release() {
    if [ "${SKIP_BUILD:-0}" != 1 ]; then
        say "Building the release binary (make release)"
        make -C "$repo" --no-print-directory release >&2
    fi
    require_release
}

# Exits unless the release binary is built; $1, optional, says how to build it.
# shellcheck disable=SC2120 # scripts/demo.sh passes $1
require_release() { [ -x "$binary" ] || die "no release build at $binary${1:+: $1}"; }

# Creates the run's scratch directory /tmp/sshd-auditor-$1.XXXXXX (work) with the sandbox's directory (dir)
# inside, and sets the traps that power the sandbox off and remove both on every exit.
sandbox_workdir() {
    work=$(mktemp -d "/tmp/sshd-auditor-$1.XXXXXX")
    dir="$work/sandbox"
    pid=""
    trap sandbox_cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
}

# The EXIT trap: on failure the daemon's journal for the post-mortem, the before_poweroff hook, the sandbox
# powered off (scripts/sandbox.sh removes its directory), the scratch directory removed, the after_cleanup
# hook; exits with the run's status, or 1 when the power-off failed.
sandbox_cleanup() {
    local status=$?
    trap - EXIT INT TERM
    # Signalled while the boot's $(...) ran: the boot finished first, but its output never reached $pid.
    if [ -z "$pid" ] && [ -s "$dir/pid" ]; then pid=$(cat "$dir/pid"); fi
    if [ -n "$pid" ] && [ "$status" -ne 0 ]; then
        echo "$prog: the auditor's journal, for the post-mortem:" >&2
        inside "systemctl status sshd-auditor --no-pager -n 0; journalctl $postmortem_journal --no-pager" >&2 || true
    fi
    if declare -F before_poweroff >/dev/null; then before_poweroff; fi
    if [ -n "$pid" ]; then
        bash "$sandbox_script" poweroff "$pid" "$dir" || status=1
    fi
    rm -rf --one-file-system "$work"
    if declare -F after_cleanup >/dev/null; then after_cleanup "$status"; fi
    exit "$status"
}

# Runs shell commands inside the sandbox (every namespace, its root and working directory), for 60 s at most.
inside() { timeout 60 nsenter -t "$pid" -a -r -w /bin/sh -c "$*"; }

# Boots the sandbox in $dir and sets pid to its systemd.
sandbox_boot() { pid=$(bash "$sandbox_script" boot "$dir"); }

# Installs the release build in the sandbox as a package would: make install-files DESTDIR=<sandbox> PREFIX=/usr.
sandbox_install() { make -C "$repo" --no-print-directory install-files DESTDIR="/proc/$pid/root" PREFIX=/usr >/dev/null; }

# Writes the named settings inside the sandbox (drop-ins, files); sandbox_activate applies them.
sandbox_configure() {
    local what
    for what in "$@"; do
        case "$what" in
        # Every trial raises sshd-down anew: the default ReraiseInterval (5 min) would suppress the flaps.
        fast-reraise)
            inside "mkdir -p /etc/sshd-auditor.conf.d && printf '[Alerts]\nReraiseInterval=1s\n' >/etc/sshd-auditor.conf.d/bench.conf"
            ;;
        # Restart=no: Debian's ssh.service restarts a killed sshd after 100 ms, so without this a kill -9 trial
        # would measure a race with systemd, not a crash the auditor reports. No start limit for the trials.
        ssh-no-restart)
            inside "mkdir -p /etc/systemd/system/ssh.service.d && printf '[Unit]\nStartLimitIntervalSec=0\n[Service]\nRestart=no\n' >/etc/systemd/system/ssh.service.d/bench.conf"
            ;;
        # Cold starts stop and start the daemon ten times in a few seconds: past systemd's default start limit.
        auditor-no-start-limit)
            inside "mkdir -p /etc/systemd/system/sshd-auditor.service.d && printf '[Unit]\nStartLimitIntervalSec=0\n' >/etc/systemd/system/sshd-auditor.service.d/bench-limit.conf"
            ;;
        # A flood must reach the journal whole: journald's rate limit would drop most of 5,000 lines/s.
        journald-no-rate-limit)
            inside "mkdir -p /etc/systemd/journald.conf.d && printf '[Journal]\nRateLimitIntervalSec=0\n' >/etc/systemd/journald.conf.d/bench.conf"
            ;;
        # CPUUsageNSec for a second, nanosecond-precise CPU figure beside /proc/PID/stat's 10 ms ticks (needs
        # `sandbox_activate daemon-reexec`).
        cpu-accounting)
            inside "mkdir -p /etc/systemd/system.conf.d && printf '[Manager]\nDefaultCPUAccounting=yes\n' >/etc/systemd/system.conf.d/bench.conf"
            ;;
        # An empty /var/log/auth.log with Debian's group and mode, as rsyslog would leave it.
        auth-log)
            inside ": >/var/log/auth.log && chgrp adm /var/log/auth.log && chmod 0640 /var/log/auth.log"
            ;;
        # The daemon follows /var/log/auth.log instead of the journal.
        log-source-file)
            inside "mkdir -p /etc/sshd-auditor.conf.d && printf '[Sources]\nLogSource=file\n' >/etc/sshd-auditor.conf.d/bench-file.conf"
            ;;
        *) die "sandbox_configure: no setting named $what" ;;
        esac
    done
}

# Applies the install and the settings: the system user, the journal catalog, the units ($1: daemon-reload,
# the default, or daemon-reexec, which a system.conf drop-in needs), journald and sshd restarted.
sandbox_activate() {
    inside "systemd-sysusers && journalctl --update-catalog && systemctl ${1:-daemon-reload} && systemctl restart systemd-journald && systemctl restart ssh"
}

# Enables and starts sshd-auditor.service and waits until it is active (Type=notify: READY=1 came).
start_auditor() {
    inside "systemctl enable --now sshd-auditor" >&2
    wait_active sshd-auditor
}

# Waits up to 30 s until UNIT ($1) is active inside; dies when it is not.
wait_active() {
    local unit="$1" deadline=$((SECONDS + 30))
    while [ "$SECONDS" -le "$deadline" ]; do
        [ "$(inside "systemctl is-active $unit" || true)" = active ] && return
        sleep 0.1
    done
    die "$unit not active within 30 s"
}

# The catalog's MESSAGE_ID of CHECK's ($1) raised or resolved ($2, default raised) entry, read from
# systemd/sshd-auditor.catalog so that the scripts and the product never disagree.
message_id() {
    local check="$1" transition="${2:-raised}"
    awk -v check="($check)" -v resolved="$([ "$transition" = resolved ] && echo 1 || echo 0)" '
        /^-- [0-9a-f]+$/ { id = $2; next }
        /^Subject: / {
            is_resolved = ($2 == "resolved:")
            if (index($0, check) > 0 && is_resolved == resolved) { print id; exit }
        }' "$catalog"
}

# Prints the __REALTIME_TIMESTAMP (µs) of the first journal entry with MESSAGE_ID=$1 written at or after $2
# (µs), looking every $4 s (default 0.1) for up to $3 s; prints nothing when none comes.
wait_entry() {
    local id="$1" marker="$2" deadline=$((SECONDS + $3)) interval="${4:-0.1}" found=""
    while [ "$SECONDS" -le "$deadline" ]; do
        found=$(inside "journalctl -o export -q --since=@$((marker / 1000000 - 1)) MESSAGE_ID=$id" 2>/dev/null |
            awk -v m="$marker" -F= '$1 == "__REALTIME_TIMESTAMP" && $2 >= m { print $2; exit }' || true)
        [ -n "$found" ] && break
        sleep "$interval"
    done
    echo "$found"
}

# Takes sshd down inside, `systemctl stop ssh` ($1 = stop) or SIGKILL to its MainPID ($1 = kill), and prints
# the sandbox's CLOCK_REALTIME in µs read just before: the marker a latency counts from.
break_sshd() {
    case "$1" in
    stop) inside 'date +%s%6N; systemctl stop ssh' | head -n 1 ;;
    # A MainPID of 0 (sshd not running) must never reach kill: `kill -9 0` is this process group.
    kill) inside 'p=$(systemctl show -p MainPID --value ssh); [ "$p" -gt 0 ] && date +%s%6N && kill -9 "$p"' | head -n 1 ;;
    *) die "break_sshd: no action named $1" ;;
    esac
}

# The daemon's MainPID inside the sandbox (its own pid namespace).
daemon_pid() { inside "systemctl show -p MainPID --value sshd-auditor"; }

# The host's PID of the daemon whose PID inside the sandbox is $1 (for perf and /proc from the host); empty
# when none. Only a process in this sandbox's pid namespace counts: another sandbox on the machine (a test,
# another engineer's run) has its own daemon with the same inner PID.
host_pid_of() {
    local inner="$1" status candidate
    for status in /proc/[0-9]*/status; do
        candidate=$(basename "$(dirname "$status")")
        if awk -v inner="$inner" '/^NSpid:/ { exit !($NF == inner && NF == 3) }' "$status" 2>/dev/null &&
            [ "$(awk '/^Name:/ { print $2 }' "$status" 2>/dev/null)" = sshd-auditor ] &&
            [ "$(readlink "/proc/$candidate/ns/pid")" = "$(readlink "/proc/$pid/ns/pid")" ]; then
            echo "$candidate"
            return
        fi
    done
}

# The shell command (for bash -c, run on the host) that writes $rate sshd lines/s for $window s with
# bench/flood.py into the sandbox's journal through `logger -t sshd` ($1 = journal), or appends them to its
# /var/log/auth.log as syslog lines ($1 = file).
flood_command() {
    case "$1" in
    journal) echo "python3 '$repo/bench/flood.py' --rate $rate --seconds $window --format message - | nsenter -t $pid -a -r -w logger -t sshd" ;;
    file) echo "python3 '$repo/bench/flood.py' --rate $rate --seconds $window --format syslog '/proc/$pid/root/var/log/auth.log'" ;;
    *) die "flood_command: no log named $1" ;;
    esac
}
