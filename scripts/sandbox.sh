#!/usr/bin/env bash
# A real systemd for tests and the demo: a Debian bookworm rootfs booted with systemd as PID 1 in private
# namespaces (pid, mount, uts, ipc, net, cgroup). The recipe is DESIGN.md's "A real systemd for tests";
# systemd-nspawn does not work on these machines, so this does by hand what nspawn would.
#
#   sandbox.sh rootfs                 build the cached rootfs tarball unless present; print its path
#   sandbox.sh boot DIR               boot the rootfs at DIR/rootfs (an overlay on a shared unpacked copy, or
#                                     unpacked into DIR without overlayfs); wait until it is up; print PID
#   sandbox.sh exec PID CMD...        run CMD inside (all namespaces, its root and working directory)
#   sandbox.sh install PID FILE DEST  copy FILE to DEST inside, mode 0755
#   sandbox.sh poweroff PID           power off, wait for every process to go, remove the sandbox directory
#
# PID is the sandbox's systemd as seen from the host. DIR must not exist or be empty; `boot` marks it so
# `poweroff` only ever deletes a directory `boot` created. Mounts live only in the sandbox's private mount
# namespace: they vanish with its last process, and the host's mount table never sees them.
#
# Environment: SSHD_AUDITOR_SANDBOX_CACHE (default /var/cache/sshd-auditor-sandbox), SANDBOX_MIRROR
# (default: the Debian mirror apt uses here), SANDBOX_BOOT_TIMEOUT (seconds, default 60).
set -euo pipefail

cache_dir="${SSHD_AUDITOR_SANDBOX_CACHE:-/var/cache/sshd-auditor-sandbox}"
tarball="$cache_dir/bookworm-rootfs.tar.zst"
boot_timeout="${SANDBOX_BOOT_TIMEOUT:-60}"
marker=".sshd-auditor-sandbox"
packages="systemd,systemd-sysv,dbus,openssh-server,iproute2,procps"

die() {
    echo "sandbox: $*" >&2
    exit 1
}

# The mirror apt already uses (deb.debian.org here); debootstrap needs the same network access apt has.
default_mirror() {
    local uri
    uri=$(grep -hsE '^(URIs:|deb )' /etc/apt/sources.list /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list 2>/dev/null |
        grep -oE 'https?://[^ ]*/debian/?$|https?://[^ ]*/debian ' | head -n1 | tr -d ' ')
    echo "${uri:-http://deb.debian.org/debian}"
}

cmd_rootfs() {
    [ "$(id -u)" -eq 0 ] || die "building the rootfs needs root"
    mkdir -p "$cache_dir"
    # One builder at a time across worktrees and test processes; the others wait and then reuse its tarball.
    exec 9>"$cache_dir/.lock"
    flock -w 900 9 || die "timed out waiting for another rootfs build"
    if [ -s "$tarball" ]; then
        echo "$tarball"
        return
    fi
    command -v debootstrap >/dev/null || die "debootstrap is not installed (scripts/install-deps.sh installs it)"
    local work
    work=$(mktemp -d "$cache_dir/build.XXXXXX")
    # shellcheck disable=SC2064 # expand $work now: it is local
    trap "rm -rf '$work'" EXIT
    echo "sandbox: debootstrap bookworm into $work (about a minute, once)" >&2
    debootstrap --variant=minbase --include="$packages" bookworm "$work/rootfs" "${SANDBOX_MIRROR:-$(default_mirror)}" \
        >"$work/debootstrap.log" 2>&1 || {
        tail -n 30 "$work/debootstrap.log" >&2
        die "debootstrap failed"
    }
    local root="$work/rootfs"
    # dbus-daemon runs as messagebus and must be able to traverse /: a mktemp directory is 0700.
    chmod 0755 "$root"
    # An empty machine-id makes systemd generate a fresh one per boot, as on a first boot.
    : >"$root/etc/machine-id"
    # A persistent journal, so the host can read it under /proc/PID/root/var/log/journal as well as /run.
    mkdir -p "$root/var/log/journal"
    echo sandbox >"$root/etc/hostname"
    # Units that cannot work without real hardware or a writable /sys only slow the boot down.
    for unit in systemd-udevd.service systemd-udevd-control.socket systemd-udevd-kernel.socket \
        systemd-networkd-wait-online.service getty@tty1.service console-getty.service \
        systemd-timesyncd.service apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer fstrim.timer; do
        ln -sf /dev/null "$root/etc/systemd/system/$unit"
    done
    apt_clean=("$root/var/cache/apt/archives/"*.deb)
    rm -f "${apt_clean[@]}"
    tar --numeric-owner -C "$root" -I 'zstd -T0 -3' -cf "$work/rootfs.tar.zst" .
    mv "$work/rootfs.tar.zst" "$tarball"
    echo "$tarball"
}

# The rootfs unpacked once next to the tarball, shared read-only by every sandbox as the lower layer of an
# overlay: a boot then unpacks nothing, and every sandbox's writes land in its own upper directory.
# Prints the directory.
shared_lower() {
    local tar="$1" lower="$cache_dir/bookworm-rootfs"
    exec 9>"$cache_dir/.lock"
    flock -w 900 9 || die "timed out waiting for the rootfs lock"
    # The stamp lives outside the tree, which every sandbox sees as its /.
    if [ ! -e "$lower.complete" ] || [ "$tar" -nt "$lower.complete" ]; then
        rm -rf --one-file-system "$lower" "$lower.new" "$lower.complete"
        mkdir "$lower.new"
        tar --numeric-owner -C "$lower.new" -I zstd -xf "$tar"
        chmod 0755 "$lower.new"
        mv "$lower.new" "$lower"
        : >"$lower.complete"
    fi
    echo "$lower"
}

# Runs as PID 1 of the new pid namespace, in the new mount namespace, before it becomes systemd.
# $1 = the rootfs. Everything mounted here is private to the sandbox.
stage2() {
    local root="$1" lower="${2:-}"
    mount --make-rprivate /
    if [ -n "$lower" ]; then
        # DIR/upper and DIR/work hold this sandbox's changes; the shared lower layer stays pristine.
        local dir
        dir=$(dirname "$root")
        mount -t overlay overlay -o "lowerdir=$lower,upperdir=$dir/upper,workdir=$dir/work" "$root"
    else
        # chroot needs the root to be a mount point for systemd's mount handling; bind it onto itself.
        mount --bind "$root" "$root"
    fi
    mount -t proc proc "$root/proc"
    # systemd must not write host kernel settings: /proc/sys is re-bound read-only.
    mount --bind "$root/proc/sys" "$root/proc/sys"
    mount -o remount,bind,ro "$root/proc/sys"
    mount -t sysfs -o ro sysfs "$root/sys"
    mount -t tmpfs -o mode=0755,nosuid,nodev tmpfs "$root/run"
    mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs "$root/tmp"
    mount -t tmpfs -o mode=0755,nosuid tmpfs "$root/dev"
    local node
    for node in null zero full random urandom tty; do
        touch "$root/dev/$node"
        mount --bind "/dev/$node" "$root/dev/$node"
    done
    mkdir -p "$root/dev/pts" "$root/dev/shm"
    mount -t devpts -o newinstance,ptmxmode=0666,mode=0620 devpts "$root/dev/pts"
    ln -s pts/ptmx "$root/dev/ptmx"
    mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs "$root/dev/shm"
    ln -s /proc/self/fd "$root/dev/fd"
    ln -s /proc/self/fd/0 "$root/dev/stdin"
    ln -s /proc/self/fd/1 "$root/dev/stdout"
    ln -s /proc/self/fd/2 "$root/dev/stderr"
    # Tells systemd it runs in a container, so it skips what only a real machine has.
    export container=sshd-auditor-sandbox
    exec chroot "$root" /lib/systemd/systemd --system --log-target=console --show-status=false
}

cmd_boot() {
    [ $# -eq 1 ] || die "usage: sandbox.sh boot DIR"
    [ "$(id -u)" -eq 0 ] || die "booting the sandbox needs root"
    local dir="$1"
    mkdir -p "$dir"
    [ -z "$(ls -A "$dir")" ] || die "$dir is not empty"
    dir=$(cd "$dir" && pwd -P)
    : >"$dir/$marker"
    # Killed before systemd started (a caller's timeout): remove what was unpacked.
    # shellcheck disable=SC2064 # expand now: a local
    trap "rm -rf --one-file-system '$dir'; exit 143" TERM INT HUP
    local tar lower=""
    tar=$(cmd_rootfs)
    mkdir "$dir/rootfs"
    if grep -qw overlay /proc/filesystems; then
        lower=$(shared_lower "$tar")
        mkdir "$dir/upper" "$dir/work"
    else
        # No overlayfs: every sandbox gets its own unpacked copy (a few seconds more per boot).
        tar --numeric-owner -C "$dir/rootfs" -I zstd -xf "$tar"
    fi
    chmod 0755 "$dir" "$dir/rootfs"

    local started=$SECONDS
    # The sandbox outlives this script, so it must not inherit any of the caller's descriptors beyond
    # 0-2 (redirected): a caller that waits for EOF on a pipe, or, like Foundation's Process, on a socket
    # its child holds, would otherwise wait for the sandbox's poweroff. setsid: not in the caller's session.
    (
        for fd in /proc/"$BASHPID"/fd/*; do
            fd=${fd##*/}
            [ "$fd" -gt 2 ] && eval "exec $fd>&-"
        done
        exec setsid unshare --pid --fork --mount --uts --ipc --net --cgroup \
            "$0" __stage2 "$dir/rootfs" "$lower" </dev/null >"$dir/console.log" 2>&1
    ) &
    local unshare_pid=$!
    # systemd is unshare's only child; it appears as soon as unshare has forked.
    local pid="" i
    for i in $(seq 1 100); do
        pid=$(cat "/proc/$unshare_pid/task/$unshare_pid/children" 2>/dev/null | awk '{print $1}')
        [ -n "$pid" ] && break
        kill -0 "$unshare_pid" 2>/dev/null || break
        sleep 0.05
    done
    if [ -z "$pid" ]; then
        cat "$dir/console.log" >&2
        rm -rf "$dir"
        die "unshare did not start the sandbox"
    fi
    echo "$pid" >"$dir/pid"
    # Killed while waiting (a caller's timeout): take the half-booted sandbox down rather than leak it.
    # shellcheck disable=SC2064 # expand now: these are locals
    trap "stop_sandbox '$pid' '$dir' || true; exit 143" TERM INT HUP

    # Bounded wait for the boot to finish: "running", or "degraded" (a unit failed, still usable).
    local state=""
    while [ $((SECONDS - started)) -lt "$boot_timeout" ]; do
        if ! kill -0 "$pid" 2>/dev/null; then
            tail -n 40 "$dir/console.log" >&2
            stop_sandbox "$pid" "$dir" || true
            die "systemd exited during boot"
        fi
        state=$(timeout 5 nsenter -t "$pid" -a -r -w systemctl is-system-running 2>/dev/null || true)
        case "$state" in
        running | degraded)
            echo "sandbox: $state after $((SECONDS - started)) s, pid $pid, root $dir/rootfs" >&2
            echo "$pid"
            return
            ;;
        esac
        sleep 0.2
    done
    tail -n 40 "$dir/console.log" >&2
    timeout 5 nsenter -t "$pid" -a -r -w systemctl list-jobs --no-pager >&2 || true
    stop_sandbox "$pid" "$dir" || true
    die "not up after ${boot_timeout} s (state: ${state:-unknown})"
}

# A sandbox's systemd: named systemd, and chrooted into a directory `boot` marked. This keeps exec, install
# and poweroff away from the host's own systemd (PID 1 on a systemd machine) or any other process.
require_sandbox_pid() {
    local pid="$1" root
    [[ "$pid" =~ ^[0-9]+$ ]] || die "not a PID: $pid"
    root=$(readlink "/proc/$pid/root" 2>/dev/null || true)
    [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = systemd ] && [ -f "$(dirname "$root")/$marker" ] ||
        die "pid $pid is not a sandbox's systemd"
}

cmd_exec() {
    [ $# -ge 2 ] || die "usage: sandbox.sh exec PID CMD..."
    local pid="$1"
    shift
    require_sandbox_pid "$pid"
    exec nsenter -t "$pid" -a -r -w "$@"
}

cmd_install() {
    [ $# -eq 3 ] || die "usage: sandbox.sh install PID FILE DEST"
    local pid="$1" file="$2" dest="$3"
    require_sandbox_pid "$pid"
    [ -f "$file" ] || die "no such file: $file"
    # Copy through a pipe into the sandbox, so DEST resolves inside its mount namespace and root.
    nsenter -t "$pid" -a -r -w sh -c 'mkdir -p "$(dirname "$1")" && cat >"$1.tmp" && chmod 0755 "$1.tmp" && mv "$1.tmp" "$1"' \
        sh "$dest" <"$file"
}

cmd_poweroff() {
    [ $# -ge 1 ] || die "usage: sandbox.sh poweroff PID [DIR]"
    [[ "$1" =~ ^[0-9]+$ ]] || die "not a PID: $1"
    if kill -0 "$1" 2>/dev/null; then require_sandbox_pid "$1"; fi
    stop_sandbox "$@"
}

# Powers off the sandbox whose systemd is $1 and removes its directory $2 (found from /proc/$1/root when
# not given). Also used by `boot` on a sandbox that may not have exec'd systemd yet, hence unchecked.
stop_sandbox() {
    local pid="$1" dir="${2:-}"
    if [ -z "$dir" ]; then
        # The sandbox directory is the parent of the systemd's root; read it while the process exists.
        local root
        root=$(readlink "/proc/$pid/root" 2>/dev/null || true)
        [ -n "$root" ] && dir=$(dirname "$root")
    fi
    if kill -0 "$pid" 2>/dev/null; then
        # SIGRTMIN+4 asks systemd for an orderly poweroff; in a pid namespace that ends with PID 1 exiting.
        kill -s RTMIN+4 "$pid" 2>/dev/null || true
        local i
        for i in $(seq 1 100); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        # Killing PID 1 of a pid namespace kills everything in it: the last resort after 10 s.
        if kill -0 "$pid" 2>/dev/null; then
            echo "sandbox: pid $pid ignored poweroff for 10 s, killing it" >&2
            kill -s KILL "$pid" 2>/dev/null || true
            for i in $(seq 1 50); do
                kill -0 "$pid" 2>/dev/null || break
                sleep 0.1
            done
        fi
    fi
    kill -0 "$pid" 2>/dev/null && die "pid $pid is still running"
    if [ -n "$dir" ] && [ -f "$dir/$marker" ]; then
        # Never delete through a mount: if anything is still mounted below dir, leave it and say so.
        if awk -v d="$dir/" '{ if (index($5 "/", d) == 1) found = 1 } END { exit !found }' /proc/self/mountinfo; then
            die "mounts remain under $dir; not removing it"
        fi
        rm -rf --one-file-system "$dir"
    fi
}

case "${1:-}" in
rootfs) shift && cmd_rootfs "$@" ;;
boot) shift && cmd_boot "$@" ;;
exec) shift && cmd_exec "$@" ;;
install) shift && cmd_install "$@" ;;
poweroff) shift && cmd_poweroff "$@" ;;
__stage2) shift && stage2 "$@" ;;
*) die "usage: sandbox.sh rootfs | boot DIR | exec PID CMD... | install PID FILE DEST | poweroff PID" ;;
esac
