#!/usr/bin/env python3
"""Generate a realistic, deterministic auth.log for benchmarking `sshd-auditor events`.

The mix imitates an Internet-facing fleet: several OpenSSH versions (8.9, 9.2, 9.8 with sshd-session, 10.0
with rate-limited MaxStartups logging), classic syslog and RFC 3339 stamps (plus some RFC 5424), brute-force
noise, logins, MaxStartups and PerSourcePenalties drops, the rare start-up failures, injection attempts in user
names, and other daemons' lines (CRON, sudo, systemd-logind, systemd, kernel).

Writes the log to OUT and the counts `sshd-auditor events --json` must report to OUT.expected.json:
{"lines", "sshd_lines", "other_program_lines", "unframed_lines", "kinds": {kind: count}}.

Usage: gen-authlog.py OUT [--lines N] [--seed S]
"""

import argparse
import json
import random

MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
USERS = ["root", "admin", "ubuntu", "deploy", "git", "oracle", "test", "user", "postgres", "pi", "ftpuser"]
VALID_USERS = ["alice", "bob", "deploy", "root"]
# User names an attacker chooses to confuse naive parsers; sshd logs them verbatim.
INJECTIONS = [
    "x from 203.0.113.9 port 22",
    "evil 203.0.113.9 port 22",
    "a [preauth]",
    "root from 10.0.0.1 port 1 ssh2",
    "\u00e9t\u00e9",
    "tab\there",
    "",
]


class Generator:
    def __init__(self, seed):
        self.r = random.Random(seed)
        self.kinds = {}
        self.sshd = 0
        self.other_programs = 0
        self.unframed = 0
        self.t = 0  # seconds since 2026-01-01 00:00:00

    def addr(self):
        r = self.r
        if r.random() < 0.15:
            return "2001:db8:%x::%x" % (r.randrange(0x10000), r.randrange(1, 0x10000))
        return "%d.%d.%d.%d" % (r.choice([45, 61, 103, 185, 193, 198, 203]), r.randrange(256),
                                r.randrange(256), r.randrange(1, 255))

    def port(self):
        return self.r.randrange(1024, 65536)

    def user(self):
        r = self.r.random()
        if r < 0.01:
            return self.r.choice(INJECTIONS)
        return self.r.choice(USERS)

    def stamp(self, style):
        self.t += self.r.choice([0, 0, 0, 1, 1, 2])
        t = self.t
        day_of_year, rest = divmod(t, 86400)
        month = min(day_of_year // 28, 11)
        day = day_of_year % 28 + 1
        h, rest = divmod(rest, 3600)
        m, s = divmod(rest, 60)
        if style == "classic":
            return "%s %2d %02d:%02d:%02d" % (MONTHS[month], day, h, m, s)
        frac = self.r.randrange(1000000)
        return "2026-%02d-%02dT%02d:%02d:%02d.%06d+00:00" % (month + 1, day, h, m, s, frac)

    def line(self, style, host, program, pid, message):
        if style == "rfc5424":
            return "<38>1 %s %s %s %d - - %s" % (self.stamp("rfc3339"), host, program, pid, message)
        return "%s %s %s[%d]: %s" % (self.stamp(style), host, program, pid, message)

    def count(self, kind):
        self.kinds[kind] = self.kinds.get(kind, 0) + 1
        self.sshd += 1

    def other_program(self, style, host):
        r = self.r
        self.other_programs += 1
        choice = r.randrange(6)
        if choice == 0:
            return self.line(style, host, "CRON", r.randrange(1000, 99999),
                             "pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)")
        if choice == 1:
            return self.line(style, host, "sudo", r.randrange(1000, 99999),
                             "    alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/apt update")
        if choice == 2:
            return self.line(style, host, "systemd-logind", r.randrange(300, 900),
                             "New session %d of user alice." % r.randrange(1, 5000))
        if choice == 3:
            return self.line(style, host, "systemd", 1, "Started session-%d.scope - Session %d of User alice."
                             % (r.randrange(5000), r.randrange(5000)))
        if choice == 4:
            # The kernel has no pid in its tag.
            return "%s %s kernel: [%d.%06d] audit: type=1400 apparmor=\"ALLOWED\"" % (
                self.stamp(style), host, r.randrange(100000), r.randrange(1000000))
        return self.line(style, host, "sshd-keygen", r.randrange(100, 999), "ssh-keygen: generating new host keys")

    def sshd_line(self, profile, style, host):
        r = self.r
        version = profile["version"]
        listener = "sshd"
        session = "sshd-session" if version >= (9, 8) else "sshd"
        lpid = profile["pid"]
        spid = r.randrange(1000, 4000000)
        a, p, u = self.addr(), self.port(), self.user()
        x = r.random()

        def emit(kind, program, pid, message):
            self.count(kind)
            return self.line(style, host, program, pid, message)

        if x < 0.16:
            inv = "invalid user " if r.random() < 0.5 else ""
            message = "Failed password for %s%s from %s port %d ssh2" % (inv, u, a, p)
            if style != "rfc5424" and r.random() < 0.05:
                # rsyslog folds identical consecutive lines.
                message = "message repeated %d times: [ %s]" % (r.randrange(2, 9), message)
            return emit("failed_password", session, spid, message)
        if x < 0.26:
            return emit("invalid_user", session, spid, "Invalid user %s from %s port %d" % (u, a, p))
        if x < 0.36:
            pre = r.choice(["", "authenticating user %s " % u, "invalid user %s " % u])
            return emit("connection_closed", session, spid, "Connection closed by %s%s port %d [preauth]" % (pre, a, p))
        if x < 0.44:
            return emit("received_disconnect", session, spid,
                        "Received disconnect from %s port %d:11: Bye Bye [preauth]" % (a, p))
        if x < 0.51:
            pre = r.choice(["user %s " % r.choice(VALID_USERS), "invalid user %s " % u, "authenticating user %s " % u])
            return emit("disconnected", session, spid, "Disconnected from %s%s port %d%s" % (
                pre, a, p, "" if pre.startswith("user") else " [preauth]"))
        if x < 0.55:
            method = r.choice(["publickey", "password"])
            extra = ": ED25519 SHA256:%s" % "".join(r.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/") for _ in range(43)) if method == "publickey" else ""
            return emit("accepted", session, spid, "Accepted %s for %s from %s port %d ssh2%s" % (
                method, r.choice(VALID_USERS), a, p, extra))
        if x < 0.57:
            return emit("failed_publickey", session, spid,
                        "Failed publickey for %s from %s port %d ssh2: RSA SHA256:%s" % (
                            r.choice(VALID_USERS), a, p, "q" * 43))
        if x < 0.58:
            return emit("failed_other", session, spid,
                        "Failed keyboard-interactive/pam for invalid user %s from %s port %d ssh2" % (u, a, p))
        if x < 0.60:
            return emit("connection_reset", session, spid, "Connection reset by %s port %d [preauth]" % (a, p))
        if x < 0.61:
            return emit("max_auth_tries_exceeded", session, spid,
                        "error: maximum authentication attempts exceeded for %s from %s port %d ssh2 [preauth]" % (u, a, p))
        if x < 0.63:
            if version >= (9, 8):
                return emit("timeout_before_auth", listener, lpid,
                            "Timeout before authentication for connection from %s to 192.0.2.1, pid = %d" % (a, spid))
            return emit("timeout_before_auth", session, spid,
                        "fatal: Timeout before authentication for %s port %d" % (a, p))
        if x < 0.66:
            if version >= (10, 0):
                reason = r.choice(["Maxstartups", "penalty: failed authentication",
                                   "penalty: connections without attempting authentication", "PerSourcePenalties"])
            elif version >= (9, 8):
                reason = r.choice(["past Maxstartups", "penalty: failed authentication", "penalty: caused crash"])
            else:
                reason = "past MaxStartups"
            return emit("drop_connection", listener, lpid, "drop connection #%d from [%s]:%d on [192.0.2.1]:22 %s" % (
                r.randrange(10, 100), a, p, reason))
        if x < 0.665:
            if version >= (10, 0):
                return emit("drop_rate_limited", listener, lpid,
                            "%s logging rate-limited: additional %d connections dropped" % (
                                r.choice(["Maxstartups", "PerSourcePenalties"]), r.randrange(1, 500)))
            which = r.randrange(3)
            if which == 0:
                return emit("maxstartups_begin", listener, lpid, "error: beginning MaxStartups throttling")
            if which == 1:
                return emit("maxstartups_throttling", listener, lpid,
                            "error: in MaxStartups throttling for 00:05:01, %d connections dropped" % r.randrange(1, 900))
            return emit("maxstartups_exited", listener, lpid,
                        "exited MaxStartups throttling after 00:%02d:%02d, %d connections dropped" % (
                            r.randrange(60), r.randrange(60), r.randrange(1, 900)))
        if x < 0.668:
            if r.random() < 0.5:
                return emit("bad_modes_file", session, spid,
                            "Authentication refused: bad ownership or modes for file /home/%s/.ssh/authorized_keys"
                            % r.choice(VALID_USERS))
            return emit("bad_modes_directory", session, spid,
                        "Authentication refused: bad ownership or modes for directory /home/%s" % r.choice(VALID_USERS))
        if x < 0.670:
            which = r.randrange(6)
            if which == 0:
                return emit("bind_failed", listener, lpid, "error: Bind to port 22 on 0.0.0.0 failed: Address already in use.")
            if which == 1:
                return emit("server_listening", listener, lpid, "Server listening on :: port 22.")
            if which == 2:
                return emit("terminating", listener, lpid, "Received signal 15; terminating.")
            if which == 3:
                return emit("missing_privsep_dir", listener, lpid, "fatal: Missing privilege separation directory: /run/sshd")
            if which == 4:
                return emit("no_host_keys", listener, lpid, "sshd: no hostkeys available -- exiting.")
            return emit("server_listening", listener, lpid, "Server listening on 0.0.0.0 port 22.")
        # Everything else sshd says: PAM session lines, kex failures, banner errors, postponed auth.
        return emit("other", session, spid, r.choice([
            "pam_unix(sshd:session): session opened for user alice(uid=1000) by (uid=0)",
            "pam_unix(sshd:session): session closed for user alice",
            "pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=%s" % a,
            "error: kex_exchange_identification: Connection closed by remote host",
            "banner exchange: Connection from %s port %d: invalid format" % (a, p),
            "Connection from %s port %d on 192.0.2.1 port 22 rdomain \"\"" % (a, p),
            "Postponed publickey for alice from %s port %d ssh2 [preauth]" % (a, p),
            "Unable to negotiate with %s port %d: no matching host key type found. Their offer: ssh-rsa [preauth]" % (a, p),
        ]))

    def generate(self, total, out):
        r = self.r
        profiles = [
            {"host": "bastion1", "version": (8, 9), "style": "classic", "pid": 811},
            {"host": "web-02", "version": (9, 2), "style": "classic", "pid": 702},
            {"host": "db-03", "version": (9, 8), "style": "rfc3339", "pid": 1203},
            {"host": "edge-04", "version": (10, 0), "style": "rfc3339", "pid": 604},
            {"host": "relay-05", "version": (9, 2), "style": "rfc5424", "pid": 905},
        ]
        weights = [30, 30, 20, 15, 5]
        with open(out, "w", encoding="utf-8", newline="\n") as f:
            for _ in range(total):
                profile = r.choices(profiles, weights)[0]
                y = r.random()
                if y < 0.0005:
                    self.unframed += 1
                    f.write("-- no entries --\n")
                elif y < 0.35:
                    f.write(self.other_program(profile["style"], profile["host"]) + "\n")
                else:
                    f.write(self.sshd_line(profile, profile["style"], profile["host"]) + "\n")
        return {
            "lines": total,
            "sshd_lines": self.sshd,
            "other_program_lines": self.other_programs,
            "unframed_lines": self.unframed,
            "kinds": dict(sorted(self.kinds.items())),
        }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out")
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=20261121)
    args = parser.parse_args()
    expected = Generator(args.seed).generate(args.lines, args.out)
    with open(args.out + ".expected.json", "w", encoding="utf-8") as f:
        json.dump(expected, f, indent=2, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
