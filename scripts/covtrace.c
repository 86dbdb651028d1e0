// covtrace: which functions of a program run, in the order they first run, for scripts/order-file.sh.
//
//   covtrace OUT FUNCS BINARY -- PROGRAM [ARGS...]
//
// FUNCS lists "hex-address name" lines, the ELF addresses of BINARY's function entries (from readelf -s).
// covtrace starts PROGRAM under ptrace and, once it has exec'd, writes an int3 over the first byte of every
// listed function. The first time a function runs, its name is appended to OUT, the byte is restored and the
// thread resumes where it was; after that the function runs at full speed. Sampling (perf) would miss code
// that runs once, at start-up, and for the ordering file such code matters as much as the hot loop: every
// function left out may drag a whole page of cold code into memory.
//
// Threads, forks and vforks are followed (they share or copy the breakpoints); a child that execs something
// else (sshd -t) is detached. With COVTRACE_SECONDS=N, PROGRAM gets SIGTERM after N seconds; with
// COVTRACE_PIDFILE=PATH, PROGRAM's pid is written there once the breakpoints are in place. SIGHUP, SIGTERM
// and SIGINT sent to covtrace are passed on to PROGRAM, and the signals PROGRAM receives are delivered.
// covtrace ends when PROGRAM's first process exits; PTRACE_O_EXITKILL takes PROGRAM down if covtrace dies.
// Build: cc -O2 -static -o covtrace covtrace.c (static, so that it runs in the sandbox as well).
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct {
    uint64_t address;
    char *name;
    unsigned char original;
    int armed;
    int hit;
} breakpoint;

static breakpoint *breakpoints;
static size_t breakpoint_count;
static volatile sig_atomic_t alarm_rang;
static volatile sig_atomic_t forward_signal;

static void on_alarm(int signal_number) {
    (void)signal_number;
    alarm_rang = 1;
}

// Under systemd covtrace is the unit's main process: `systemctl reload` (kill -HUP $MAINPID) and stop signal
// it, and the signal is meant for the program.
static void on_forwarded_signal(int signal_number) {
    forward_signal = signal_number;
}

static int by_address(const void *a, const void *b) {
    uint64_t x = ((const breakpoint *)a)->address, y = ((const breakpoint *)b)->address;
    return x < y ? -1 : x > y;
}

static breakpoint *find(uint64_t address) {
    size_t low = 0, high = breakpoint_count;
    while (low < high) {
        size_t middle = low + (high - low) / 2;
        if (breakpoints[middle].address < address) low = middle + 1;
        else high = middle;
    }
    return low < breakpoint_count && breakpoints[low].address == address ? &breakpoints[low] : NULL;
}

static void read_functions(const char *path) {
    FILE *file = fopen(path, "r");
    if (!file) {
        perror(path);
        exit(2);
    }
    size_t capacity = 1 << 16;
    breakpoints = malloc(capacity * sizeof *breakpoints);
    char line[8192];
    while (fgets(line, sizeof line, file)) {
        char *space = strchr(line, ' ');
        if (!space) continue;
        *space = 0;
        char *newline = strchr(space + 1, '\n');
        if (newline) *newline = 0;
        if (breakpoint_count == capacity) breakpoints = realloc(breakpoints, (capacity *= 2) * sizeof *breakpoints);
        breakpoints[breakpoint_count++] = (breakpoint){strtoull(line, NULL, 16), strdup(space + 1), 0, 0, 0};
    }
    fclose(file);
    qsort(breakpoints, breakpoint_count, sizeof *breakpoints, by_address);
}

// Where BINARY's first mapping (file offset 0) starts in PID: what ELF addresses are relative to (PIE).
static uint64_t load_address(pid_t pid, const char *binary) {
    char path[64], line[PATH_MAX + 256], wanted[PATH_MAX];
    if (!realpath(binary, wanted)) snprintf(wanted, sizeof wanted, "%s", binary);
    snprintf(path, sizeof path, "/proc/%d/maps", pid);
    FILE *maps = fopen(path, "r");
    if (!maps) return 0;
    uint64_t result = 0;
    while (fgets(line, sizeof line, maps)) {
        unsigned long start, offset;
        char mapped[PATH_MAX] = "";
        if (sscanf(line, "%lx-%*x %*s %lx %*s %*s %4095s", &start, &offset, mapped) == 3 && offset == 0 &&
            strcmp(mapped, wanted) == 0) {
            result = start;
            break;
        }
    }
    fclose(maps);
    return result;
}

int main(int argc, char **argv) {
    if (argc < 6 || strcmp(argv[4], "--") != 0) {
        fprintf(stderr, "usage: covtrace OUT FUNCS BINARY -- PROGRAM [ARGS...]\n");
        return 2;
    }
    read_functions(argv[2]);
    FILE *out = fopen(argv[1], "w");
    if (!out) {
        perror(argv[1]);
        return 2;
    }

    pid_t program = fork();
    if (program < 0) {
        perror("fork");
        return 1;
    }
    if (program == 0) {
        ptrace(PTRACE_TRACEME, 0, 0, 0);
        execvp(argv[5], argv + 5);
        perror(argv[5]);
        _exit(127);
    }
    int status;
    // The child stops with SIGTRAP once exec has replaced it: the binary is mapped, nothing of it has run.
    if (waitpid(program, &status, 0) != program || !WIFSTOPPED(status)) {
        fprintf(stderr, "covtrace: %s did not start\n", argv[5]);
        return 1;
    }
    ptrace(PTRACE_SETOPTIONS, program, 0,
           PTRACE_O_TRACECLONE | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL);
    uint64_t base = load_address(program, argv[3]);
    if (!base) {
        fprintf(stderr, "covtrace: %s is not mapped in %s\n", argv[3], argv[5]);
        kill(program, SIGKILL);
        return 1;
    }
    char memory_path[64];
    snprintf(memory_path, sizeof memory_path, "/proc/%d/mem", program);
    // /proc/PID/mem of a tracee writes through the read-only protection of its code, copying the page.
    int memory = open(memory_path, O_RDWR);
    if (memory < 0) {
        perror(memory_path);
        kill(program, SIGKILL);
        return 1;
    }
    const unsigned char int3 = 0xCC;
    size_t armed = 0;
    for (size_t i = 0; i < breakpoint_count; i++) {
        breakpoint *b = &breakpoints[i];
        b->address += base;
        if (pread(memory, &b->original, 1, b->address) == 1 && pwrite(memory, &int3, 1, b->address) == 1) {
            b->armed = 1;
            armed++;
        }
    }
    fprintf(stderr, "covtrace: %zu breakpoints in %s\n", armed, argv[3]);
    if (getenv("COVTRACE_PIDFILE")) {
        FILE *pidfile = fopen(getenv("COVTRACE_PIDFILE"), "w");
        if (pidfile) {
            fprintf(pidfile, "%d\n", program);
            fclose(pidfile);
        }
    }

    // No SA_RESTART: waitpid returns EINTR when a signal arrives, and the loop passes it on.
    struct sigaction forward = {0};
    forward.sa_handler = on_forwarded_signal;
    sigaction(SIGHUP, &forward, NULL);
    sigaction(SIGTERM, &forward, NULL);
    sigaction(SIGINT, &forward, NULL);
    if (getenv("COVTRACE_SECONDS")) {
        struct sigaction action = {0};
        action.sa_handler = on_alarm;
        sigaction(SIGALRM, &action, NULL);
        alarm((unsigned)atoi(getenv("COVTRACE_SECONDS")));
    }
    ptrace(PTRACE_CONT, program, 0, 0);
    size_t hits = 0;
    int exit_status = 0;
    for (;;) {
        pid_t thread = waitpid(-1, &status, __WALL);
        if (alarm_rang == 1) {
            alarm_rang = 2;
            kill(program, SIGTERM);
        }
        if (forward_signal) {
            kill(program, forward_signal);
            forward_signal = 0;
        }
        if (thread < 0) {
            if (errno == EINTR) continue;
            break;
        }
        if (WIFEXITED(status) || WIFSIGNALED(status)) {
            if (thread == program) {
                exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
                break;
            }
            continue;
        }
        if (!WIFSTOPPED(status)) continue;
        int signal_number = WSTOPSIG(status), event = status >> 16;
        if (event == PTRACE_EVENT_EXEC && thread != program) {
            ptrace(PTRACE_DETACH, thread, 0, 0);
            continue;
        }
        if (event) {
            ptrace(PTRACE_CONT, thread, 0, 0);
            continue;
        }
        if (signal_number == SIGTRAP) {
            struct user_regs_struct registers;
            ptrace(PTRACE_GETREGS, thread, 0, &registers);
            breakpoint *b = find(registers.rip - 1);
            if (b && b->armed) {
                if (!b->hit) {
                    b->hit = 1;
                    hits++;
                    fprintf(out, "%s\n", b->name);
                }
                // Restored through the trapping thread's own process, every time: a forked child has its own
                // copy of the code, still armed. Threads that reach the breakpoint before it is restored trap
                // again here, harmlessly; each is rewound to re-run the original instruction.
                char thread_memory[64];
                snprintf(thread_memory, sizeof thread_memory, "/proc/%d/mem", thread);
                int descriptor = open(thread_memory, O_RDWR);
                if (descriptor >= 0) {
                    if (pwrite(descriptor, &b->original, 1, b->address) != 1) perror("covtrace: restore");
                    close(descriptor);
                }
                registers.rip -= 1;
                ptrace(PTRACE_SETREGS, thread, 0, &registers);
                ptrace(PTRACE_CONT, thread, 0, 0);
                continue;
            }
        }
        // New threads and children start with SIGSTOP, and a SIGTRAP that is no breakpoint of ours is not the
        // program's either; any other signal is the program's own and is delivered.
        ptrace(PTRACE_CONT, thread, 0, signal_number == SIGSTOP || signal_number == SIGTRAP ? 0 : signal_number);
    }
    fclose(out);
    fprintf(stderr, "covtrace: %zu functions ran; %s exited with %d\n", hits, argv[5], exit_status);
    return exit_status == 0 || exit_status == 143 ? 0 : 1;
}
