#!/usr/bin/env bash
# Benchmark: the daemon's start-up read-back of its own alert entries (issue #6: an alert written to the journal
# but not yet saved in the state file when the daemon was killed is applied at start, not written again), in
# the real-systemd sandbox with the installed release build.
#
#   bench/alert-replay.sh                         ENTRIES=5000 alert entries under the daemon's state identity
#   ENTRIES=20000 SKIP_BUILD=1 bench/alert-replay.sh
#
# What it does (the whole run killed after LIMIT seconds, default 900): boots the sandbox, installs the release
# build (make install-files) with --log-level debug, starts the daemon once (it saves a state file with a fresh
# identity) and stops it; writes ENTRIES alert entries under that identity, numbered 1..ENTRIES (logger
# --journald, alternately sshd-down raised and resolved); then, for a state file saved at ENTRIES-1, ENTRIES,
# ENTRIES-100, ENTRIES-4000 and one whose identity the journal does not hold, starts the daemon and prints what
# it logged about the read-back (how many entries it read, in how long, what it applied) and its peak resident
# set after the first cycle (VmHWM). The read stops at the first entry the saved state includes, so it reads
# the entries written since the save plus one, whatever ENTRIES is.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
prog=bench/alert-replay
# shellcheck source=scripts/lib/sandbox-bench.sh
. "$repo/scripts/lib/sandbox-bench.sh"
entries=${ENTRIES:-5000}
state=/var/lib/sshd-auditor/alerts.state

require_root
run_bounded ALERT_REPLAY_BOUNDED "${LIMIT:-900}" "$@"
build_release
sandbox_workdir replay
say "Booting the sandbox and installing the release build"
sandbox_boot
sandbox_install
# Five starts in a few seconds pass systemd's default start limit; the injected entries pass journald's.
sandbox_configure auditor-no-start-limit journald-no-rate-limit
inside 'printf "[Service]\nExecStart=\nExecStart=/usr/bin/sshd-auditor run --log-level debug\n" >/etc/systemd/system/sshd-auditor.service.d/bench-debug.conf'
sandbox_activate
start_auditor
inside 'systemctl stop sshd-auditor'
id=$(inside "sed -n 's/^journal id=\([0-9a-f]*\) .*/\1/p' $state")
echo "state identity $id"

say "Writing $entries alert entries under it"
started=$(date +%s.%N)
written=0
# In runs of 1,000: each `inside` is bounded to 60 s.
while [ "$written" -lt "$entries" ]; do
    last=$((written + 1000 < entries ? written + 1000 : entries))
    inside "i=$((written + 1)); while [ \$i -le $last ]; do
      if [ \$((i % 2)) = 1 ]; then t=raised; s=critical; m='sshd-down raised (critical): injected'; else t=resolved; s=ok; m='sshd-down resolved: was injected'; fi
      printf 'MESSAGE=%s\nSYSLOG_IDENTIFIER=sshd-auditor\nSSHD_AUDITOR_CHECK=sshd-down\nSSHD_AUDITOR_STATE=%s\nSSHD_AUDITOR_TRANSITION=%s\nSSHD_AUDITOR_STATE_ID=$id\nSSHD_AUDITOR_STATE_GENERATION=%s\nSSHD_UNIT=ssh.service\n' \"\$m\" \$s \$t \$i >/tmp/entry
      logger --journald=/tmp/entry; i=\$((i + 1)); done; rm -f /tmp/entry"
    written=$last
done
held=$(inside "journalctl --sync; journalctl -q --no-pager SSHD_AUDITOR_STATE_ID=$id | wc -l")
echo "wrote $entries entries in $(echo "$(date +%s.%N) - $started" | bc) s; the journal holds $held under the identity"

# Starts the daemon with a state file whose mark says $1 and prints what it logged about the read-back.
start_with_mark() {
    inside "systemctl stop sshd-auditor; printf 'sshd-auditor-alert-state 1\njournal id=$id generation=$1\n' >$state && chown sshd-auditor: $state"
    local cursor
    cursor=$(inside 'journalctl -n 0 --show-cursor -q --no-pager' | sed -n 's/^-- cursor: //p')
    start_auditor
    inside "journalctl -q --no-pager -u sshd-auditor --after-cursor='$cursor' -o verbose \
        | grep -E '^ +(MESSAGE=(read back|alert entries|the journal|cannot)|ALERTS_|JOURNAL_ENTRIES|DURATION)' | sed 's/^ */    /'"
    # The peak resident set of the daemon so far (start-up and first cycle).
    inside "grep -E '^VmHWM' /proc/$(daemon_pid)/status | sed 's/^/    /'"
}
say "Starting the daemon with state files saved at several points"
echo "saved at $((entries - 1)), the last entry not included:"
start_with_mark $((entries - 1))
echo "saved at $entries, every entry included:"
start_with_mark "$entries"
echo "saved at $((entries - 100)), 100 entries not included:"
start_with_mark $((entries - 100))
if [ "$entries" -gt 4000 ]; then
    echo "saved at $((entries - 4000)), 4000 entries not included (a flood cycle's worth of auth-failure-burst alerts):"
    start_with_mark $((entries - 4000))
fi
echo "an identity the journal does not hold (a volatile journal after a reboot):"
id=0123456789abcdef0123456789abcdef
start_with_mark 7
