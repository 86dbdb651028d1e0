import ArgumentParser
import Glibc
import SSHDAuditor

/// The program's entry point: runs ``SSHDAuditorCommand`` on a detached task and parks the main thread.
///
/// With `@main` on the async command itself, the runtime drains the main queue with `dispatch_main()`, which
/// ends the main thread with `pthread_exit`. On Linux that unwinds the main thread's stack through libgcc's
/// unwinder, which binary-searches the binary's `.eh_frame_hdr` and reads `.eh_frame`: about 1 MiB of the
/// idle daemon's resident memory (measured with bench/daemon.sh; see link/README.md) for pages that are
/// never used again. Parking the main thread instead costs nothing.
///
/// Nothing in this program runs on the main actor, whose queue nobody drains now: a `@MainActor` function
/// would wait forever. The main thread blocks every signal, as `dispatch_main` left it with no main thread
/// at all, so that signals still reach their dispatch sources (ServiceLifecycle's SIGTERM and SIGHUP)
/// instead of taking their default action here.
@main
enum SSHDAuditorMain {
    static func main() {
        var signals = sigset_t()
        sigfillset(&signals)
        pthread_sigmask(SIG_BLOCK, &signals, nil)
        // Before the task below starts the first other thread: glibc fixes the number of arenas then.
        if CommandLine.arguments.dropFirst().first == RunCommand.configuration.commandName {
            MallocTuning.applyForDaemon()
        }
        Task.detached {
            // Returns when the command's run() returned; ArgumentParser exits by itself on errors.
            await SSHDAuditorCommand.main()
            exit(0)
        }
        while true { pause() }
    }
}
