import SSHDAuditCore
import Testing

@Suite("sshd -C connection specifications")
struct SSHDConnectionSpecTests {
    @Test("reads every field sshd accepts")
    func allFields() throws {
        let spec = try SSHDConnectionSpec.parse(
            "user=alice,host=ci.example.org,addr=10.0.0.5,laddr=10.0.0.1,lport=2222,rdomain=vrf1"
        )
        #expect(
            spec
                == SSHDConnectionSpec(
                    user: "alice",
                    host: "ci.example.org",
                    address: "10.0.0.5",
                    localAddress: "10.0.0.1",
                    localPort: 2222,
                    routingDomain: "vrf1"
                )
        )
    }

    @Test("an unknown key or a bad port is refused with sshd's message")
    func invalid() {
        #expect(throws: SSHDConnectionSpec.InvalidSpec(description: "Invalid test mode specification colour=blue")) {
            try SSHDConnectionSpec.parse("user=a,colour=blue")
        }
        #expect(
            throws: SSHDConnectionSpec.InvalidSpec(description: "Invalid port 'x' in test mode specification lport=x")
        ) {
            try SSHDConnectionSpec.parse("lport=x")
        }
    }

    @Test("an empty item ends the list, as with strsep in sshd")
    func emptyItem() throws {
        #expect(try SSHDConnectionSpec.parse("user=a,,colour=blue") == SSHDConnectionSpec(user: "a"))
    }
}
