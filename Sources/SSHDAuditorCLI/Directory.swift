import Glibc

/// Creating the daemon's directories when it runs outside systemd.
enum Directory {
    /// Creates `path` and its parents (mode 0755) unless it exists; whether it exists afterwards.
    static func ensure(_ path: String) -> Bool {
        var info = stat()
        if stat(path, &info) == 0 { return (info.st_mode & S_IFMT) == S_IFDIR }
        var prefix = ""
        for component in path.split(separator: "/") {
            prefix += "/" + component
            if stat(prefix, &info) != 0 && mkdir(prefix, 0o755) != 0 && errno != EEXIST { return false }
        }
        return stat(path, &info) == 0
    }
}
