import Logging
import SystemPackage
import Systemd
import Testing

@Suite("JournalLogHandler")
struct JournalLogHandlerTests {
    @Test(
        "maps each level to a syslog priority",
        arguments: [
            (Logger.Level.trace, 7), (.debug, 7), (.info, 6), (.notice, 5), (.warning, 4), (.error, 3), (.critical, 2),
        ]
    )
    func priorities(level: Logger.Level, priority: Int) {
        #expect(level.syslogPriority.rawValue == priority)
        let handler = JournalLogHandler(label: "test", identifier: "sshd-auditor")
        let fields = handler.fields(for: Self.event(level: level))
        #expect(fields.first { $0.0 == .priority }?.1 == "\(priority)")
    }

    @Test("turns metadata keys into valid field names; event metadata wins over handler metadata")
    func metadataFields() {
        var handler = JournalLogHandler(
            label: "auditor",
            identifier: "sshd-auditor",
            metadataProvider: Logger.MetadataProvider { ["audit.cycle": "7"] }
        )
        handler[metadataKey: "sshd.unit"] = "ssh.service"
        handler[metadataKey: "peer"] = "handler"
        let event = Self.event(level: .warning, metadata: ["peer": "192.0.2.1", "_secret": "x"])
        let fields = Dictionary(
            handler.fields(for: event).map { ($0.0.name, $0.1) },
            uniquingKeysWith: { first, _ in first }
        )

        #expect(fields["MESSAGE"] == "listener saturated")
        #expect(fields["SYSLOG_IDENTIFIER"] == "sshd-auditor")
        #expect(fields["LOGGER_LABEL"] == "auditor")
        #expect(fields["SSHD_UNIT"] == "ssh.service")
        #expect(fields["AUDIT_CYCLE"] == "7")
        #expect(fields["PEER"] == "192.0.2.1")
        #expect(fields["FIELD_SECRET"] == "x")
        #expect(fields["CODE_LINE"] == "12")
        #expect(fields["CODE_FUNC"] == "check()")
        #expect(handler.fields(for: event).allSatisfy { JournalField.isValid($0.0.name) })
    }

    @Test("metadata cannot override MESSAGE or PRIORITY")
    func reservedKeys() {
        let handler = JournalLogHandler(label: "auditor", identifier: "sshd-auditor")
        let event = Self.event(level: .error, metadata: ["message": "spoofed", "priority": "0"])
        let fields = handler.fields(for: event)
        #expect(fields.filter { $0.0 == .message }.map(\.1) == ["listener saturated"])
        #expect(fields.filter { $0.0 == .priority }.map(\.1) == ["3"])
        #expect(fields.contains { $0.0.name == "METADATA_MESSAGE" && $0.1 == "spoofed" })
        #expect(fields.contains { $0.0.name == "METADATA_PRIORITY" && $0.1 == "0" })
    }

    @Test("a Logger with the handler writes through JournalWriter, here to the fallback, and never throws")
    func logsThroughLogger() throws {
        let pipe = try FileDescriptor.pipe()
        defer {
            try? pipe.readEnd.close()
            try? pipe.writeEnd.close()
        }
        let writer = JournalWriter(socketPath: "/nonexistent/socket", fallback: pipe.writeEnd)
        guard !JournalWriter().isJournalAvailable else { return }  // with journald on the host it goes there
        let logger = Logger(label: "auditor") { label in
            JournalLogHandler(label: label, identifier: "sshd-auditor", writer: writer)
        }
        logger.debug("below the level: not written")
        logger.error("bind failed", metadata: ["port": "22"])
        try pipe.writeEnd.close()
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = try buffer.withUnsafeMutableBytes { try pipe.readEnd.read(into: $0) }
        let text = String(decoding: buffer[..<count], as: UTF8.self)
        #expect(text.hasPrefix("sshd-auditor: <3> bind failed CODE_FILE="))
        #expect(text.contains(" LOGGER_LABEL=auditor PORT=22\n"))
        #expect(!text.contains("below the level"))
    }

    static func event(level: Logger.Level, metadata: Logger.Metadata? = nil) -> LogEvent {
        LogEvent(
            level: level,
            message: "listener saturated",
            metadata: metadata,
            source: "SSHDAuditor",
            file: "SSHDAuditor/Auditor.swift",
            function: "check()",
            line: 12
        )
    }
}
