#!/usr/bin/env bash
# `make demo`: issue #4's story, told against a real sshd and a real journal. Boots a real systemd in a
# sandbox (scripts/sandbox.sh), installs the release build there with `make install-files`, enables
# sshd-auditor.service, then breaks SSH in the ways administrators do and shows what the auditor says:
# the journal entries (`journalctl -u sshd-auditor`), the catalog text (`journalctl -x`), and
# `sshd-auditor status` with its exit status. Powers the sandbox off and removes it on every exit.
#
# Needs root (namespaces). The first run builds the sandbox's Debian rootfs with debootstrap (about a minute,
# then cached). Every wait is bounded; the whole story takes about a minute after the boot.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
prog="demo"
# shellcheck source=scripts/lib/sandbox-bench.sh
. "$repo/scripts/lib/sandbox-bench.sh"
postmortem_journal="-u sshd-auditor -u ssh -n 40"

if [ -t 1 ]; then
    bold=$'\e[1m' dim=$'\e[2m' reset=$'\e[0m'
else
    bold="" dim="" reset=""
fi

# The demo talks to the reader on stdout, unlike the benchmarks' headings (scripts/lib/sandbox-bench.sh).
say() { printf '\n%s==> %s%s\n' "$bold" "$*" "$reset"; }
note() { printf '%s    %s%s\n' "$dim" "$*" "$reset"; }

require_root
require_release "run \`make demo\` (it builds one) or \`make release\`"

sandbox_workdir demo
# The EXIT trap's hooks (scripts/lib/sandbox-bench.sh): say what happens, and how it ended.
before_poweroff() { [ -z "$pid" ] || say "Powering the sandbox off and removing it"; }
after_cleanup() {
    if [ "$1" -eq 0 ]; then
        say "Done: every step showed what it should."
    else
        echo "demo: stopped (status $1)" >&2
    fi
}

# Runs a command inside the sandbox, echoing it first as an administrator would type it.
run() {
    printf '%s# %s%s\n' "$bold" "$*" "$reset"
    inside "$@"
}

now_us() { date +%s%6N; }

# journalctl's --since for a MARKER in µs: seconds with the fraction, so a step shows only its own entries.
since() { printf -- '--since=@%d.%06d' $(($1 / 1000000)) $(($1 % 1000000)); }

# Waits up to TIMEOUT seconds for CHECK's TRANSITION entry written at or after MARKER (µs); sets alert_at to
# its __REALTIME_TIMESTAMP. Fails the demo when it does not come. (A global rather than output: a trap that
# runs while a caller's `>/dev/null` or `$(...)` is in effect would lose its own output with it.)
alert_at=""
wait_alert() {
    local check="$1" transition="$2" marker="$3" timeout_s="${4:-20}" id
    id=$(message_id "$check" "$transition")
    [ -n "$id" ] || die "no catalog entry for $check $transition"
    alert_at=$(wait_entry "$id" "$marker" "$timeout_s" 0.2)
    [ -n "$alert_at" ] || die "no $check $transition entry within $timeout_s s"
}

# MESSAGE_ID=... for every alert in the catalog: journalctl ORs matches of one field, so this selects the
# alerts and leaves out the daemon's own log lines (same unit, same identifier).
every_alert=$(awk '/^-- [0-9a-f]+$/ { printf "%sMESSAGE_ID=%s", sep, $2; sep = " " }' "$catalog")

# Shows the alert entries written since MARKER, as `journalctl -o cat` prints them.
show_alerts() {
    printf '%s# journalctl -u sshd-auditor -o cat %s MESSAGE_ID=<each alert id>%s\n' "$bold" "$(since "$1")" "$reset"
    inside "journalctl -u sshd-auditor -o cat --no-pager -q $(since "$1") $every_alert"
}

# `sshd-auditor status` and its exit status; asserts the status is EXPECTED.
status() {
    local expected="$1" code=0
    printf '%s# sshd-auditor status; echo "exit status $?"%s\n' "$bold" "$reset"
    inside "sshd-auditor status" || code=$?
    echo "exit status $code"
    [ "$code" -eq "$expected" ] || die "sshd-auditor status exited $code, expected $expected"
}

# Waits (bounded) until `sshd-auditor status` exits EXPECTED: the state of the previous step settles.
settle() {
    local expected="$1" deadline=$((SECONDS + 30)) code
    while [ "$SECONDS" -le "$deadline" ]; do
        code=0
        inside "sshd-auditor status --quiet" || code=$?
        [ "$code" -eq "$expected" ] && return
        sleep 0.5
    done
    die "sshd-auditor status did not settle at $expected"
}

say "Booting a real systemd (Debian bookworm, private namespaces) with sshd running"
sandbox_boot
note "sandbox systemd is pid $pid, its / is $dir/rootfs"

say "Installing sshd-auditor as a package would: make install-files DESTDIR=<sandbox> PREFIX=/usr"
sandbox_install
note "binary /usr/bin/sshd-auditor, unit, journal catalog, sysusers.d entry, /etc/sshd-auditor.conf"
note "a drop-in for the demo: ExpectedPorts=22 (SSH must stay on 22), LogWindow=10s (log-based alerts"
note "resolve in seconds), ReraiseInterval=1s (no flap suppression between the demo's steps), PollInterval=5s"
note "(a file edit, which no event announces, is noticed within 5 s instead of the default 30 s)"
inside "cat >/etc/sshd-auditor.conf.d/demo.conf" <<'EOF'
[SSH]
ExpectedPorts=22

[Daemon]
PollInterval=5s

[Alerts]
ReraiseInterval=1s

[Checks]
LogWindow=10s
EOF
run "systemd-sysusers && journalctl --update-catalog && systemctl daemon-reload"
run "systemctl enable --now sshd-auditor"
note "Type=notify: systemctl returned after the daemon's first cycle sent READY=1"
run "systemctl status sshd-auditor --no-pager -n 0 2>/dev/null | head -n 6"
settle 0
status 0

say "Story 1: sshd goes down"
marker=$(now_us)
run "systemctl stop ssh"
wait_alert sshd-down raised "$marker"
printf '%s    stop-to-alert latency: %d ms (from before `systemctl stop` to the journal entry)%s\n' \
    "$bold" $(((alert_at - marker) / 1000)) "$reset"
show_alerts "$marker"
say "The entry's fields, for queries and log shippers (journalctl -o verbose)"
run "journalctl -u sshd-auditor -o verbose --no-pager -n 1 MESSAGE_ID=$(message_id sshd-down raised) | grep -E '^ +(MESSAGE|MESSAGE_ID|PRIORITY|SSHD_[A-Z_]+)='"
say "What it means and what to do (journalctl -x: the catalog)"
run "journalctl -u sshd-auditor -x --no-pager -n 1 MESSAGE_ID=$(message_id sshd-down raised) | head -n 20"
status 2
marker=$(now_us)
run "systemctl start ssh"
wait_alert sshd-down resolved "$marker"
show_alerts "$marker"
settle 0

say "Story 2: Port edited in sshd_config but sshd not restarted"
marker=$(now_us)
run "echo 'Port 2222' >/etc/ssh/sshd_config.d/demo.conf"
note "no systemd signal for a file edit: the next poll (PollInterval=5s) notices"
wait_alert config-not-applied raised "$marker"
show_alerts "$marker"
status 1

say "Story 3: ...and now restarted: sshd moved to 2222, where nobody expects it"
marker=$(now_us)
run "systemctl restart ssh"
wait_alert port-mismatch raised "$marker"
wait_alert config-not-applied resolved "$marker"
show_alerts "$marker"
run "journalctl -u sshd-auditor -o verbose --no-pager -n 1 MESSAGE_ID=$(message_id port-mismatch raised) | grep -E '^ +SSHD_(CONFIGURED|LISTENING)_PORTS='"
status 2
marker=$(now_us)
run "rm /etc/ssh/sshd_config.d/demo.conf && systemctl restart ssh"
wait_alert port-mismatch resolved "$marker"
show_alerts "$marker"
settle 0

say "Story 4: MaxStartups 2:100:3 and idle connections from loopback"
run "echo 'MaxStartups 2:100:3' >/etc/ssh/sshd_config.d/demo.conf && systemctl restart ssh"
settle 0
marker=$(now_us)
note "four idle TCP connections to 127.0.0.1:22, held by a transient unit systemd ends after 90 s at most"
run "systemd-run --quiet --collect --unit=demo-idle-connections -p RuntimeMaxSec=90 /bin/bash -c 'for i in 1 2 3 4; do exec {fd}<>/dev/tcp/127.0.0.1/22; sleep 0.5; done; sleep 85'"
wait_alert maxstartups-throttling raised "$marker"
wait_alert maxstartups-saturated raised "$marker"
run "tr '\\0' ' ' </proc/\$(systemctl show -p MainPID --value ssh)/cmdline; echo"
show_alerts "$marker"
run "journalctl -u sshd-auditor -o verbose --no-pager -n 1 MESSAGE_ID=$(message_id maxstartups-saturated raised) | grep -E '^ +SSHD_(STARTUPS|MAXSTARTUPS|DROPPED_CONNECTIONS)='"
status 2
marker=$(now_us)
run "systemctl stop demo-idle-connections"
note "the drop lines stay in the 10 s log window, then saturated resolves too"
wait_alert maxstartups-throttling resolved "$marker"
wait_alert maxstartups-saturated resolved "$marker" 40
show_alerts "$marker"
run "rm /etc/ssh/sshd_config.d/demo.conf && systemctl restart ssh"
settle 0

say "Story 5: a typo in sshd_config, nothing restarted yet"
marker=$(now_us)
run "echo 'PermitRootLogin maybe-later' >/etc/ssh/sshd_config.d/demo.conf"
wait_alert config-invalid raised "$marker"
show_alerts "$marker"
run "systemctl is-active ssh"
note "sshd still serves: the alert comes before a restart or reboot would leave SSH down for good"
status 2
marker=$(now_us)
run "rm /etc/ssh/sshd_config.d/demo.conf"
wait_alert config-invalid resolved "$marker"
show_alerts "$marker"
settle 0
status 0

say "Every alert of the demo, found by its MESSAGE_ID"
for check in sshd-down config-not-applied port-mismatch maxstartups-throttling maxstartups-saturated config-invalid; do
    printf '%-24s %s\n' "$check" "$(inside "journalctl -u sshd-auditor -q -o cat MESSAGE_ID=$(message_id "$check" raised) | wc -l") raised"
done
