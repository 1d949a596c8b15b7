import Foundation
import Testing

/// The first start on an empty data directory creates the admin token, prints it once and writes it to
/// `<data>/admin.token` readable by the owner only; later starts neither print nor change it.
@Suite struct FirstStartTests {
    @Test func theAdminTokenIsCreatedOnceAndKeptPrivate() async throws {
        let data = ServerProcess.temporaryDirectory() + "/fresh"
        let first = try await ServerProcess.start(dataDirectory: data)
        let attributes = try FileManager.default.attributesOfItem(atPath: data + "/admin.token")
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect(first.output.contains(first.adminToken) && !first.adminToken.isEmpty)
        #expect(try await first.call("GET", "/v1/me").json["role"]?.stringValue == "admin")
        #expect(await first.stop() == 0)

        let second = try await ServerProcess.start(dataDirectory: data)
        #expect(!second.output.contains("created the admin token"))
        #expect(second.adminToken == first.adminToken)
        #expect(try await second.call("GET", "/v1/me").status == 200)
        #expect(await second.stop() == 0)
    }
}
