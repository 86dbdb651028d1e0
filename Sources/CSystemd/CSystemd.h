// The libsystemd APIs sshd-auditor uses, exposed to Swift unchanged. Only the `Systemd` module imports this.
#pragma once
#include <systemd/sd-bus.h>
#include <systemd/sd-daemon.h>
#include <systemd/sd-journal.h>
#include <systemd/sd-id128.h>
