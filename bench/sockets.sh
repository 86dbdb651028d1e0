#!/usr/bin/env bash
# Listening-socket benchmark (issue #5 point 2): with COUNT loopback sockets open (60,000 by default),
# times `sshd-auditor sockets --source netlink` and `--source proc` beside `ss -ltn` and
# `cat /proc/net/tcp /proc/net/tcp6`, checks the targets (netlink within 1.2 x ss -ltn; the /proc
# path within 1.5 x cat of the same files) and that both paths return the same set of listeners.
#
# Usage: bench/sockets.sh            build the release binary (once), then measure
#        SKIP_BUILD=1 bench/sockets.sh   measure the release binary already built
# Environment: COUNT (sockets to hold, default 60000), RUNS (timed runs per command, default 25).
#
# Needs Linux, python3, ss (iproute2); root only to raise the descriptor hard limit if it is below
# COUNT. The sockets are loopback only and are closed (RST, no TIME-WAIT) when the script exits, also
# on error or Ctrl-C. Prints Markdown to standard output, for bench/RESULTS.md.
set -euo pipefail

cd "$(dirname "$0")/.."
COUNT=${COUNT:-60000}
RUNS=${RUNS:-25}

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
    echo "building the release binary (static Swift stdlib)..." >&2
    swift build -c release --static-swift-stdlib --product sshd-auditor >&2
fi
BIN="$(swift build -c release --show-bin-path)/sshd-auditor"
[[ -x "$BIN" ]] || { echo "no release binary at $BIN; run without SKIP_BUILD" >&2; exit 1; }

work=$(mktemp -d)
holder=""
cleanup() {
    # Closing the holder's standard input makes it close every socket and exit; SIGTERM if it lingers.
    exec 3>&-
    if [[ -n "$holder" ]]; then
        for _ in $(seq 50); do kill -0 "$holder" 2>/dev/null || break; sleep 0.1; done
        kill "$holder" 2>/dev/null || true
        wait "$holder" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "opening $COUNT loopback sockets..." >&2
mkfifo "$work/hold"
python3 bench/loopback_sockets.py --count "$COUNT" <"$work/hold" >"$work/ready" &
holder=$!
exec 3>"$work/hold"
for _ in $(seq 600); do
    grep -q '^ready' "$work/ready" 2>/dev/null && break
    kill -0 "$holder" 2>/dev/null || { echo "the socket holder exited early" >&2; exit 1; }
    sleep 0.5
done
grep -q '^ready' "$work/ready" || { echo "sockets not open after 300 s" >&2; exit 1; }
read -r _ held listeners <"$work/ready"

rows() { tail -n +2 "$1" | wc -l; }
tcp_rows=$(rows /proc/net/tcp)
tcp6_rows=$(rows /proc/net/tcp6 2>/dev/null || echo 0)

# Both paths must return the same set of listeners. Other processes may open or close a listener
# between the two reads, so a difference is retried before it counts.
same="no"
for attempt in 1 2 3; do
    "$BIN" sockets --source netlink --no-processes --json >"$work/netlink.json"
    "$BIN" sockets --source proc --no-processes --json >"$work/proc.json"
    ss -ltnH >"$work/ss.txt"
    if python3 - "$work" >"$work/compare.txt" <<'PY'
import json, sys
work = sys.argv[1]
def listeners(name):
    return {(s["local"], s["inode"]) for s in json.load(open(f"{work}/{name}.json"))["sockets"]}
netlink, proc = listeners("netlink"), listeners("proc")
ss = {line.split()[3] for line in open(f"{work}/ss.txt") if line.strip()}
ours = {local for local, _ in netlink}
print(f"netlink {len(netlink)} listeners, proc {len(proc)}, ss -ltn {len(ss)} endpoints")
print(f"only netlink: {sorted(netlink - proc)}; only proc: {sorted(proc - netlink)}")
sys.exit(0 if netlink == proc else 1)
PY
    then same="yes"; break; fi
done

# Start-up floors: the same programs doing next to nothing. For sshd-auditor, a proc root whose
# tables have a header and no rows.
empty=bench/out/empty-proc
mkdir -p "$empty/net"
head -1 /proc/net/tcp >"$empty/net/tcp"
head -1 /proc/net/tcp6 >"$empty/net/tcp6" 2>/dev/null || true

echo "timing ($RUNS runs each, interleaved)..." >&2
timings=$(python3 bench/time_commands.py --runs "$RUNS" --warmup 3 \
    --target netlink:ss-ltn:1.2 --target proc:cat:1.5 \
    --beyond netlink:floor --beyond proc:floor --beyond ss-ltn:true --beyond cat:true \
    "netlink=$BIN sockets --source netlink --no-processes" \
    "ss-ltn=ss -ltn" \
    "proc=$BIN sockets --source proc --no-processes" \
    "cat=cat /proc/net/tcp /proc/net/tcp6" \
    "netlink+owners=$BIN sockets --source netlink" \
    "ss-ltnp=ss -ltnp" \
    "floor=$BIN sockets --source proc --proc-root $empty --no-processes" \
    "true=true")

cat <<MD
## Listening sockets with $held loopback sockets open ($(date -u +%Y-%m-%d))

Host: $(uname -sr), $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')),
load average $(cut -d' ' -f1-3 /proc/loadavg) at the start of the timing (the machine is shared).
/proc/net/tcp had $tcp_rows rows and /proc/net/tcp6 $tcp6_rows; the holder kept $listeners listeners
on 127.0.0.1 and ::1 and $held connected sockets. Binary: release, --static-swift-stdlib.
Times are wall clock from spawn to exit, best and median of $RUNS interleaved runs after 3 warm-ups.
\`--no-processes\` skips the /proc/PID/fd walk, like \`ss -ltn\` beside \`ss -ltnp\`. The floor rows are
the start-up cost of each program doing nothing (\`true\` for ss and cat; sshd-auditor reading empty
tables), and "beyond its floor" is each command's median minus its floor's.

$timings

Same set of listeners from both paths: **$same** ($(head -1 "$work/compare.txt")).
MD
[[ "$same" == yes ]] || { sed -n 2p "$work/compare.txt" >&2; exit 1; }
