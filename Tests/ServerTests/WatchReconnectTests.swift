import Foundation
import Orchestrator
import Testing

/// `bulkops jobs watch` against a real server that goes away: it reconnects when the server comes back on the same
/// port and follows the job to its end, and it stops with one line and exit status 1 when the server stays away, no
/// longer accepts the token, or comes back without the job.
@Suite struct WatchReconnectTests {
    @Test func watchReconnectsAfterAGracefulRestartAndExitsWhenTheJobSucceeds() async throws {
        let data = ServerProcess.temporaryDirectory()
        let server = try await ServerProcess.start(dataDirectory: data, arguments: ["--demo"])
        defer { Task { await server.stop() } }
        // 240 items at 40/s: six seconds, so that the restart lands well inside the job
        let ids = try await server.recordIds(status: "draft", limit: 240)
        let job = try await server.createJob(ids: ids, chunkSize: 4, rate: 40)
        let watch = try ChildProcess.startBulkops(["jobs", "watch", job], server: server, timeout: 60)
        let raw = try ChildProcess.startBulkops(["jobs", "watch", job, "--json"], server: server, timeout: 60)
        try await watch.waitForOutput("a running line") { $0.contains("running") }
        try await raw.waitForOutput("a progress event") { $0.contains("\"event\":\"progress\"") }

        #expect(await server.stop() == 0)
        try await watch.waitForOutput("the reconnecting line") { $0.contains("reconnecting…") }
        let restarted = try await ServerProcess.start(dataDirectory: data, port: server.port, arguments: ["--demo"])
        defer { Task { await restarted.stop() } }

        let watched = await watch.result()
        #expect(watched.status == 0, "\(watched)")
        #expect(watched.stderr.isEmpty, "\(watched)")
        let lines = watched.stdout.split(separator: "\n").map(String.init)
        let lost = try #require(lines.firstIndex {
            $0 == "reconnecting… the server closed the stream (1001 server shutting down)"
        }, "\(watched.stdout)")
        let back = try #require(lines.firstIndex { $0.hasPrefix("reconnected after ") && $0.hasSuffix(" s") },
                                "\(watched.stdout)")
        #expect(lost < back)
        #expect(lines[..<lost].contains { $0.hasPrefix(job) && $0.contains("running") }, "followed before the loss")
        #expect(lines.filter { !$0.hasPrefix(job) }.count == 2, "only the two notes besides the job: \(lines)")
        let last = try #require(lines.last)
        #expect(last.hasPrefix(job) && last.contains("succeeded") && last.contains("240/240"), "\(last)")

        // --json keeps standard output one message per line and tells of the reconnect on standard error
        let json = await raw.result()
        #expect(json.status == 0, "\(json)")
        let messages = try json.stdout.split(separator: "\n").map {
            try JSONDecoder().decode(JSONValue.self, from: Data($0.utf8))
        }
        #expect(messages.filter { $0["type"]?.stringValue == "hello" }.count == 2, "a second hello after the restart")
        let seqs = messages.filter { $0["type"]?.stringValue == "job" }.compactMap { $0["job"]?["seq"]?.intValue }
        #expect(zip(seqs, seqs.dropFirst()).allSatisfy { $0 < $1 }, "no event twice, none out of order: \(seqs)")
        #expect(messages.last?["event"]?.stringValue == "finished")
        #expect(messages.last?["job"]?["state"]?.stringValue == "succeeded")
        let notes = json.stderr.split(separator: "\n")
        #expect(notes.count == 2 && notes.first?.hasPrefix("bulkops: reconnecting… ") == true
                && notes.last?.hasPrefix("bulkops: reconnected after ") == true, "\(json.stderr)")
        #expect((try await restarted.job(job))["state"]?.stringValue == "succeeded")
    }

    @Test func watchGivesUpWithOneLineWhenTheServerStaysAway() async throws {
        let server = try await ServerProcess.start(arguments: ["--demo"])
        defer { Task { await server.stop() } }
        let ids = try await server.recordIds(status: "draft", limit: 200)
        let job = try await server.createJob(ids: ids, chunkSize: 2, rate: 20)
        let watch = try ChildProcess.startBulkops(["jobs", "watch", job, "--give-up-after", "2"], server: server,
                                                  timeout: 30)
        try await watch.waitForOutput("a running line") { $0.contains("running") }
        #expect(await server.stop() == 0)
        let stopped = Date()
        let watched = await watch.result()
        let waited = Date().timeIntervalSince(stopped)
        #expect(watched.status == 1, "\(watched)")
        #expect(watched.stderr == "bulkops: gave up after 2 s without a connection: cannot connect to "
                + "http://127.0.0.1:\(server.port) (connection refused)\n", "\(watched)")
        #expect(watched.stdout.contains("reconnecting… the server closed the stream (1001 server shutting down)"))
        #expect(!watched.stdout.contains("reconnected"))
        #expect(waited >= 1.5 && waited < 8, "gave up after about 2 s, not \(waited) s")
    }

    @Test func watchStopsWhenTheServerNoLongerAcceptsTheToken() async throws {
        let data = ServerProcess.temporaryDirectory()
        let server = try await ServerProcess.start(dataDirectory: data, arguments: ["--demo"])
        defer { Task { await server.stop() } }
        let staff = try await server.token(role: "staff", name: "Front desk")
        let ids = try await server.recordIds(status: "draft", limit: 200)
        let job = try await server.createJob(ids: ids, chunkSize: 2, rate: 20)
        // every job: the stream's own handshake is what meets the revoked token
        let watch = try ChildProcess.startBulkops(["jobs", "watch"], server: server, token: staff.secret,
                                                  timeout: 30)
        try await watch.waitForOutput("the job's line") { $0.contains(job) }
        #expect(try await server.call("DELETE", "/v1/tokens/\(staff.id)").status < 300)
        #expect(await server.stop() == 0)
        let restarted = try await ServerProcess.start(dataDirectory: data, port: server.port)
        defer { Task { await restarted.stop() } }
        let watched = await watch.result()
        #expect(watched.status == 1, "\(watched)")
        #expect(watched.stderr == "bulkops: stopped reconnecting: the server no longer accepts the token "
                + "(401 unauthorized)\n", "\(watched)")
    }

    @Test func watchStopsWhenTheServerComesBackWithoutTheJob() async throws {
        let server = try await ServerProcess.start(arguments: ["--demo"])
        defer { Task { await server.stop() } }
        let ids = try await server.recordIds(status: "draft", limit: 200)
        let job = try await server.createJob(ids: ids, chunkSize: 2, rate: 20)
        let watch = try ChildProcess.startBulkops(["jobs", "watch", job], server: server, timeout: 30)
        try await watch.waitForOutput("a running line") { $0.contains("running") }
        #expect(await server.stop() == 0)
        // a data directory with the same tokens and no jobs: the token still works, the job is gone
        let other = ServerProcess.temporaryDirectory()
        try FileManager.default.copyItem(atPath: server.dataDirectory + "/tokens.json", toPath: other + "/tokens.json")
        let restarted = try await ServerProcess.start(dataDirectory: other, port: server.port)
        defer { Task { await restarted.stop() } }
        let watched = await watch.result()
        #expect(watched.status == 1, "\(watched)")
        #expect(watched.stderr == "bulkops: stopped reconnecting: job \(job) not found (404 not_found)\n",
                "\(watched)")
    }
}
