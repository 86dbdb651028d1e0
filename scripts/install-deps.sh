#!/usr/bin/env bash
# Installs the Debian packages the build, the tests and the demo need, on a fresh machine.
# Idempotent: does nothing when everything is already there. Runs as root, no standard input.
#
# openssh-server is installed with service starts disabled (policy-rc.d): the tests start their own
# sshd on loopback ports they choose; the host must not get a daemon listening on *:22 as a side effect.
set -euo pipefail

packages=(
    libsystemd-dev    # CSystemd: sd-bus, sd-journal, sd-daemon headers and pkg-config file
    pkg-config        # SwiftPM finds libsystemd through it
    openssh-server    # /usr/sbin/sshd: ground truth for sshd -T and a real listener in tests
    openssh-client    # ssh-keygen for test host keys
    iproute2          # ss: ground truth for the socket table
    debootstrap       # the Debian rootfs of the real-systemd sandbox
    util-linux        # unshare, nsenter
    procps            # pgrep/ps in scripts
    systemd           # journalctl, systemd-analyze on the host (reading exported journals, unit checks)
    nftables          # nft: firewall tests read rules they install in their own network namespace
    iptables          # iptables-save: the same for the iptables view
)

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
    echo "install-deps: missing packages: ${missing[*]}; run as root (or: sudo apt-get install ${missing[*]})" >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
policy=/usr/sbin/policy-rc.d
created_policy=0
if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy"
    chmod 755 "$policy"
    created_policy=1
fi
trap '[ $created_policy -eq 1 ] && rm -f "$policy"' EXIT

apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null
