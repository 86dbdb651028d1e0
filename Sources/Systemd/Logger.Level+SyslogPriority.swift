import Logging

extension Logger.Level {
    /// The journal `PRIORITY` for this level: swift-log's seven levels onto syslog's eight, keeping
    /// `emergency` and `alert` out of reach of a library's log calls.
    public var syslogPriority: SyslogPriority {
        switch self {
        case .trace, .debug: .debug
        case .info: .info
        case .notice: .notice
        case .warning: .warning
        case .error: .error
        case .critical: .critical
        }
    }
}
