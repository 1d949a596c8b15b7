import Foundation
import Orchestrator
import Testing

/// The stream as a client we did not write sees it: Python's `websockets` package.
@Suite(.serialized) struct ThirdPartyClientTests {
    @Test func pythonWebsocketsFollowsAJobToItsFinish() async throws {
        try await PythonStreamClient.checkAvailable()
        let server = try await ServerProcess.start(arguments: ["--demo"])
        defer { Task { await server.stop() } }
        let ids = try await server.recordIds(status: "draft", limit: 300)
        let job = try await server.createJob(ids: ids, chunkSize: 1, rate: 150)
        let messages = try await PythonStreamClient.run(port: server.port, token: server.adminToken, job: job)
        #expect(messages.first?["type"]?.stringValue == "hello")
        #expect(messages.first?["server"]?.stringValue == "bulkops")
        #expect(messages.dropFirst().first?["type"]?.stringValue == "snapshot")
        let events = messages.filter { $0["type"]?.stringValue == "job" }
        let seqs = events.compactMap { $0["job"]?["seq"]?.intValue }
        #expect(seqs.count == events.count && !seqs.isEmpty)
        #expect(zip(seqs, seqs.dropFirst()).allSatisfy { $0 < $1 }, "seq order: \(seqs)")
        #expect(events.last?["event"]?.stringValue == "finished")
        #expect(events.last?["job"]?["state"]?.stringValue == "succeeded")
        #expect(events.last?["job"]?["progress"]?["processed"]?.intValue == 300)
        let progress = events.filter { $0["event"]?.stringValue == "progress" }
        let times = progress.compactMap { $0["_receivedAt"]?.doubleValue }
        // why: ten a second with a burst of two makes at most 12 in any second; arrivals bunch by one, hence 13
        let busiest = times.indices.map { start in times[start...].prefix { $0 - times[start] < 1.0 }.count }.max() ?? 0
        #expect(busiest <= 13, "\(busiest) progress events arrived within one second")
        #expect(messages.last?["type"]?.stringValue == "_closed")
    }

    @Test func pythonWebsocketsReplaysWithSince() async throws {
        try await PythonStreamClient.checkAvailable()
        let server = try await ServerProcess.start(arguments: ["--demo"])
        defer { Task { await server.stop() } }
        let ids = try await server.recordIds(status: "draft", limit: 40)
        let job = try await server.createJob(ids: ids, chunkSize: 10)
        let done = try await server.waitForJob(job)
        let finalSeq = try #require(done["seq"]?.intValue)
        // a finished job replayed from seq 1: every event after it, and not in the snapshot
        let messages = try await PythonStreamClient.run(port: server.port, token: server.adminToken, job: job,
                                                        since: 1)
        let snapshot = messages.first { $0["type"]?.stringValue == "snapshot" }
        #expect(snapshot?["jobs"]?.arrayValue == [])
        let seqs = messages.filter { $0["type"]?.stringValue == "job" }.compactMap { $0["job"]?["seq"]?.intValue }
        #expect(seqs.first == 2)
        #expect(seqs.last == finalSeq)
        #expect(zip(seqs, seqs.dropFirst()).allSatisfy { $0 < $1 })
    }
}
