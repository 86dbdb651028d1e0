import SystemPackage
import Systemd
import Testing

@Suite("SystemdError")
struct SystemdErrorTests {
    @Test("names the call and the errno")
    func describesCallAndErrno() {
        let error = SystemdError(operation: "sd_bus_open_system", errno: .noSuchFileOrDirectory)
        #expect(error.description.hasPrefix("sd_bus_open_system failed: "))
        #expect(error.description.contains("No such file or directory"))
    }

    @Test("includes the D-Bus error name and message")
    func describesBusError() {
        let error = SystemdError(
            operation: "sd_bus_get_property",
            errno: .noSuchFileOrDirectory,
            busErrorName: "org.freedesktop.systemd1.NoSuchUnit",
            busErrorMessage: "Unit nope.service not loaded."
        )
        #expect(error.description.hasSuffix("[org.freedesktop.systemd1.NoSuchUnit: Unit nope.service not loaded.]"))
    }
}
