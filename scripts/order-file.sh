#!/usr/bin/env bash
# Regenerates link/sshd-auditor.order, the order in which the release link lays out functions (Package.swift,
# releaseLinkerFlags; link/README.md says why): every function the daemon and the everyday commands run, in the
# order they first run, so that they share a few dense pages instead of touching pages all over the binary.
#
#   scripts/order-file.sh              builds the release binary, records, writes the file, relinks (root, ~3 min)
#   SKIP_BUILD=1 scripts/order-file.sh records the binary already built
#
# What it records, in the real-systemd sandbox (scripts/sandbox.sh), with scripts/covtrace.c (a one-shot
# breakpoint on every function, so code that runs once at start-up counts as much as the loop):
#   1. the installed unit for WINDOW s (default 30), its ExecStart wrapped in covtrace by a drop-in (which also
#      lifts the system call filter: the unit rightly forbids ptrace): start-up, the first cycles, failed
#      logins in the journal, sshd stopped, started and killed (alerts raised and resolved), a reload, idle
#      polls; meanwhile `status` (from the daemon's file), `status --json` and `--help`, run as root;
#   2. the same unit with LogSource=file and `run --poll-only`: auth.log lines, sshd stopped and started.
# Together they cover what bench/daemon.sh puts the daemon through before it measures the idle footprint.
# The file lists the daemon's functions first, then the commands'. A name defined in several objects (local
# helpers such as outlined value witnesses) is left out when one of them sits in an input section larger than
# 64 KiB (the static runtime's unsplit .text, a dependency's file): lld moves every section holding a symbol
# of a listed name, and would drag those into the hot region. A relink with a link map says which.
#
# Run it again when the daemon's code changed much: a function missing from the file still works, it just
# sits among cold code and keeps a page of it resident. Bounded (LIMIT s, default 400); cleans up (trap).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
prog="order-file"
# shellcheck source=scripts/lib/sandbox-bench.sh
. "$repo/scripts/lib/sandbox-bench.sh"
cd "$repo"
window="${WINDOW:-30}"
limit="${LIMIT:-400}"
order="$repo/link/sshd-auditor.order"

require_root
run_bounded ORDER_FILE_BOUNDED "$limit" "$@"
build_release
sandbox_workdir order

say "Relinking with a link map; building the tracer; listing the binary's functions"
# The final `make release` below links again without the map.
make -C "$repo" --no-print-directory release RELEASE_FLAGS="-Xlinker -Map=$work/link.map -Xlinker --no-demangle" >&2
cc -O2 -static -o "$work/covtrace" scripts/covtrace.c
# "address name" for every defined function with code, one line per address (aliases share one).
readelf -sW "$binary" | awk '$4 == "FUNC" && $3 != "0" && $7 != "UND" { print $2, $8 }' | sort -u -k1,1 >"$work/functions"
echo "    $(wc -l <"$work/functions") functions" >&2

say "Booting the sandbox and installing the release build"
sandbox_boot
sandbox_install
bash "$sandbox_script" install "$pid" "$work/covtrace" /usr/local/libexec/covtrace
inside "cat >/usr/local/libexec/covtrace-functions && chmod 0644 /usr/local/libexec/covtrace-functions" <"$work/functions"
sandbox_activate

# Runs the installed unit under covtrace for WINDOW s with ExecStart's arguments "$2", while "$3" (shell
# commands, run inside) exercises it; the functions it ran go to $work/$1.hits.
record() {
    local name="$1" arguments="$2" exercise="$3"
    inside "mkdir -p /run/systemd/system/sshd-auditor.service.d && cat >/run/systemd/system/sshd-auditor.service.d/covtrace.conf" <<CONF
[Service]
ExecStart=
ExecStart=/usr/local/libexec/covtrace /var/lib/sshd-auditor/$name.hits /usr/local/libexec/covtrace-functions /usr/bin/sshd-auditor -- /usr/bin/sshd-auditor $arguments
Environment=COVTRACE_SECONDS=$window
NotifyAccess=all
SystemCallFilter=
WatchdogSec=0
CONF
    inside "systemctl daemon-reload && systemctl start sshd-auditor"
    sleep 5
    inside "$exercise"
    # covtrace ends the daemon after WINDOW s, and the unit goes inactive.
    for _ in $(seq 1 $((window * 10 + 100))); do
        [ "$(inside "systemctl is-active sshd-auditor" || true)" = active ] || break
        sleep 0.1
    done
    [ -s "/proc/$pid/root/var/lib/sshd-auditor/$name.hits" ] || die "the traced daemon ($name) recorded nothing"
    cp "/proc/$pid/root/var/lib/sshd-auditor/$name.hits" "$work/$name.hits"
    echo "    $name: $(wc -l <"$work/$name.hits") functions" >&2
}
trace() { echo "/usr/local/libexec/covtrace /var/tmp/$1.hits /usr/local/libexec/covtrace-functions /usr/bin/sshd-auditor -- /usr/bin/sshd-auditor"; }

# What bench/daemon.sh puts the daemon through before it measures: failed logins (an auth-failure burst),
# sshd stopped and started (sshd-down raised and resolved), sshd killed, a reload; the commands meanwhile.
say "Recording the daemon with sshd's log in the journal, $window s"
# A drop-in as administrators write them (and bench/daemon.sh does): time spans and lists to parse.
inside "mkdir -p /etc/sshd-auditor.conf.d && printf '[Alerts]\nReraiseInterval=5min\n[Daemon]\nPollInterval=30s\n[Checks]\nDisable=\n' >/etc/sshd-auditor.conf.d/order-file.conf"
record journal run '
    for i in $(seq 1 12); do logger -t sshd -p auth.info "Failed password for invalid user admin from 203.0.113.9 port 4242$i ssh2"; done
    logger -t sshd -p auth.info "Accepted publickey for root from 198.51.100.7 port 50000 ssh2: ED25519 SHA256:x"
    sleep 2; systemctl stop ssh; sleep 2; systemctl start ssh; sleep 2
    kill -9 "$(systemctl show -p MainPID --value ssh)"; sleep 2; systemctl reset-failed ssh; systemctl start ssh; sleep 2
    systemctl reload sshd-auditor; sleep 2
    '"$(trace status) status >/dev/null 2>&1; $(trace status-json) status --json >/dev/null 2>&1; $(trace help) --help >/dev/null 2>&1"'
    '
# The same with sshd's log in auth.log and only the poll timer (bench/daemon.sh's other configurations).
say "Recording the daemon with sshd's log in /var/log/auth.log and --poll-only, $window s"
sandbox_configure auth-log
inside "printf '[Sources]\nLogSource=file\n' >>/etc/sshd-auditor.conf.d/order-file.conf"
record file "run --poll-only" '
    for i in $(seq 1 12); do echo "$(date "+%b %e %T") sandbox sshd[4242]: Failed password for invalid user admin from 203.0.113.9 port 4242$i ssh2" >>/var/log/auth.log; done
    sleep 2; systemctl stop ssh; sleep 6; systemctl start ssh; sleep 6
    '
for name in status status-json help; do
    cp "/proc/$pid/root/var/tmp/$name.hits" "$work/$name.hits"
done

say "Writing ${order#"$repo"/}"
cat "$work/journal.hits" "$work/file.hits" "$work/status.hits" "$work/status-json.hits" "$work/help.hits" >"$work/hits"
# The names in first-run order, less those lld would turn into a cold drag. In lld's map an input section's
# line names its file and "(section)" after a colon, with its size in hex in the third column; the symbols
# it defines follow, five columns, the name last. A section larger than 64 KiB that holds a name defined only
# there is hot anyway (the static runtime's unsplit .text); a name defined in several sections is left out
# when one of them is such a large section that is not hot.
awk -v limit=65536 '
    function hex(text, i, n) {
        n = 0
        for (i = 1; i <= length(text); i++) n = n * 16 + index("0123456789abcdef", substr(text, i, 1)) - 1
        return n
    }
    FNR == NR { if (!($0 in rank)) { rank[$0] = ++ranks; names[ranks] = $0 }; next }
    index($0, ":(") { section = FNR; size[section] = hex($3); next }
    NF == 5 && $1 ~ /^[0-9a-f]+$/ && ($5 in rank) { copies[$5]++; where[$5, copies[$5]] = section }
    END {
        for (name in copies) if (copies[name] == 1 && size[where[name, 1]] > limit) hot[where[name, 1]] = 1
        for (i = 1; i <= ranks; i++) {
            name = names[i]
            keep = 1
            for (c = 1; c <= copies[name] && copies[name] > 1; c++)
                if (size[where[name, c]] > limit && !(where[name, c] in hot)) keep = 0
            if (keep) print name; else left++
        }
        printf "    %d functions left out\n", left > "/dev/stderr"
    }' "$work/hits" "$work/link.map" >"$work/order"
{
    echo "# Generated by scripts/order-file.sh on $(date -u '+%Y-%m-%d') from commit $(git rev-parse --short HEAD): the"
    echo "# functions the release binary runs, in first-call order, for lld's --symbol-ordering-file (Package.swift)."
    cat "$work/order"
} >"$order"
echo "    $(wc -l <"$work/order") functions" >&2

say "Relinking with the new order"
# The ordering file is no input SwiftPM tracks: remove the binary so that it links again.
rm -f "$binary"
make -C "$repo" --no-print-directory release >&2
