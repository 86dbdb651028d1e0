#!/usr/bin/env bash
# Benchmark: the daemon's start-up read-back of its own alert entries (issue #6: an alert written to the journal
# but not yet saved in the state file when the daemon was killed is applied at start, not written again), in
# the real-systemd sandbox with the installed release build.
#
#   bench/alert-replay.sh            ENTRIES=5000 alert entries under the daemon's state identity
#   ENTRIES=20000 bench/alert-replay.sh
#
# What it does: boots the sandbox, installs the release build (make install-files) with --log-level debug,
# starts the daemon once (it saves a state file with a fresh identity) and stops it; writes ENTRIES alert
# entries under that identity, numbered 1..ENTRIES (logger --journald, alternately sshd-down raised and
# resolved); then, for a state file saved at ENTRIES-1, ENTRIES, ENTRIES-100, ENTRIES-4000, and one whose
# identity the journal does not hold, starts the daemon and prints what it logged about the read-back (how many
# entries it read, in how long, what it applied) and its peak resident set after the first cycle (VmHWM). The
# read stops at the first entry the saved state includes, so it reads the entries written since the save plus
# one, whatever ENTRIES is. Powered off on exit.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
entries=${ENTRIES:-5000}
dir=$(mktemp -d /tmp/sshd-auditor-replay.XXXXXX)
rmdir "$dir"
pid=$("$repo/scripts/sandbox.sh" boot "$dir")
trap '"$repo/scripts/sandbox.sh" poweroff "$pid" >/dev/null 2>&1 || true' EXIT
inside() { timeout 300 "$repo/scripts/sandbox.sh" exec "$pid" /bin/sh -c "$1"; }

make -s -C "$repo" --no-print-directory install-files DESTDIR="/proc/$pid/root" PREFIX=/usr >/dev/null
inside 'mkdir -p /etc/systemd/system/sshd-auditor.service.d && printf "[Service]\nExecStart=\nExecStart=/usr/bin/sshd-auditor run --log-level debug\n" >/etc/systemd/system/sshd-auditor.service.d/debug.conf'
inside 'systemd-sysusers >/dev/null && journalctl --update-catalog && systemctl daemon-reload && systemctl start sshd-auditor.service && systemctl stop sshd-auditor.service'
state=/var/lib/sshd-auditor/alerts.state
id=$(inside "sed -n 's/^journal id=\([0-9a-f]*\) .*/\1/p' $state")
echo "state identity $id"

started=$(date +%s.%N)
inside "i=1; while [ \$i -le $entries ]; do
  if [ \$((i % 2)) = 1 ]; then t=raised; s=critical; m='sshd-down raised (critical): injected'; else t=resolved; s=ok; m='sshd-down resolved: was injected'; fi
  printf 'MESSAGE=%s\nSYSLOG_IDENTIFIER=sshd-auditor\nSSHD_AUDITOR_CHECK=sshd-down\nSSHD_AUDITOR_STATE=%s\nSSHD_AUDITOR_TRANSITION=%s\nSSHD_AUDITOR_STATE_ID=$id\nSSHD_AUDITOR_STATE_GENERATION=%s\nSSHD_UNIT=ssh.service\n' \"\$m\" \$s \$t \$i >/tmp/entry
  logger --journald=/tmp/entry; i=\$((i + 1)); done; rm -f /tmp/entry"
echo "wrote $entries entries in $(echo "$(date +%s.%N) - $started" | bc) s; the journal holds $(inside "journalctl --sync; journalctl -q --no-pager SSHD_AUDITOR_STATE_ID=$id | wc -l") under the identity"

# $1: the number saved in the state file's mark.
start_with_mark() {
  inside "systemctl stop sshd-auditor.service; printf 'sshd-auditor-alert-state 1\njournal id=$id generation=$1\n' >$state && chown sshd-auditor: $state"
  local cursor
  cursor=$(inside 'journalctl -n 0 --show-cursor -q --no-pager' | sed -n 's/^-- cursor: //p')
  inside 'systemctl start sshd-auditor.service'
  inside "journalctl -q --no-pager -u sshd-auditor.service --after-cursor='$cursor' -o verbose \
    | grep -E '^ +(MESSAGE=(read back|alert entries|the journal|cannot)|ALERTS_|JOURNAL_ENTRIES|DURATION)' | sed 's/^ */    /'"
  # The peak resident set of the daemon so far (start-up and first cycle).
  inside 'grep -E "^VmHWM" /proc/$(systemctl show -p MainPID --value sshd-auditor.service)/status | sed "s/^/    /"'
}
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
