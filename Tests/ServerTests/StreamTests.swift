import Foundation
import Orchestrator
import Testing
import Transport

/// The live stream end to end with Transport's own WebSocket client: the conversation, seq order, progress
/// coalescing, operator actions in order, replay after a reconnect, and slow readers.
@Suite(.serialized) struct StreamTests {
    /// Checks the job events of one job: seq strictly increasing, `created` first if present, `finished` once and
    /// last, and `at` with microseconds.
    static func expectWellOrdered(_ events: [StreamRecorder.Received],
                                  sourceLocation: SourceLocation = #_sourceLocation) {
        let seqs = events.compactMap(\.seq)
        #expect(seqs.count == events.count, sourceLocation: sourceLocation)
        #expect(zip(seqs, seqs.dropFirst()).allSatisfy { $0 < $1 }, "seq not strictly increasing: \(seqs)",
                sourceLocation: sourceLocation)
        #expect(events.filter { $0.event == "finished" }.count <= 1, sourceLocation: sourceLocation)
        if let index = events.firstIndex(where: { $0.event == "finished" }) {
            #expect(index == events.count - 1, "events after finished", sourceLocation: sourceLocation)
        }
        for event in events {
            let at = event.json["at"]?.stringValue ?? ""
            #expect(at.range(of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$"#, options: .regularExpression) != nil,
                    "at \(at)", sourceLocation: sourceLocation)
        }
    }

    @Test func helloSubscribeSnapshotThenCreatedStateProgressFinished() async throws {
        let server = try await ServerProcess.start(arguments: ["--demo"])
        defer { Task { await server.stop() } }
        let stream = try await StreamRecorder.connect(port: server.port, token: server.adminToken)
        defer { Task { await stream.close() } }
        let hello = try await stream.wait("hello") { !$0.isEmpty }[0]
        #expect(hello.type == "hello")
        #expect(hello.json["server"]?.stringValue == "bulkops")
        #expect(hello.json["version"]?.stringValue?.isEmpty == false)
        try stream.subscribe(["*"])
        try await stream.wait("snapshot") { $0.contains { $0.type == "snapshot" } }
        #expect(stream.messages[1].type == "snapshot")
        #expect(stream.messages[1].json["jobs"]?.arrayValue == [])
        let ids = try await server.recordIds(status: "draft", limit: 100)
        let job = try await server.createJob(ids: ids, chunkSize: 5, rate: 200)
        try await stream.waitForFinish(job)
        let events = stream.events(of: job)
        Self.expectWellOrdered(events)
        #expect(events.first?.event == "created")
        #expect(events.first?.seq == 1)
        #expect(events.contains { $0.event == "state" && $0.state == "running" })
        #expect(events.contains { $0.event == "progress" })
        #expect(events.last?.event == "finished")
        #expect(events.last?.state == "succeeded")
        #expect(events.last?.job?["progress"]?["processed"]?.intValue == 100)
        #expect(events.last?.seq == (try await server.job(job))["seq"]?.intValue)
    }

    /// Regression: a job event published while a subscribe awaited its snapshot used to reach the client before
    /// the snapshot (seen once with Python's client). Many subscribes while a job reports fast make that moment
    /// likely; every client must see hello, then the snapshot, then the job's events.
    @Test func theSnapshotComesBeforeAnyJobEventEvenWhileAJobIsReporting() async throws {
        let server = try await ServerProcess.start(arguments: ["--demo"])
        defer { Task { await server.stop() } }
        let ids = try await server.recordIds(status: "draft", limit: 400)
        let job = try await server.createJob(ids: ids, chunkSize: 1, rate: 200)
        var checked = 0
        for _ in 0..<15 {
            let stream = try await StreamRecorder.connect(port: server.port, token: server.adminToken)
            _ = try await stream.wait("hello") { !$0.isEmpty }
            try stream.subscribe(["*"])
            try await stream.wait("snapshot") { $0.contains { $0.type == "snapshot" } }
            let types = stream.messages.map(\.type)
            #expect(Array(types.prefix(2)) == ["hello", "snapshot"], "first messages: \(types.prefix(4))")
            checked += 1
            await stream.close()
        }
        #expect(checked == 15)
        _ = try? await server.call("POST", "/v1/jobs/\(job)/cancel")
    }

    @Test func progressIsCoalescedToTenPerSecondPerJob() async throws {
        let server = try await ServerProcess.start(arguments: ["--demo"])
        defer { Task { await server.stop() } }
        let stream = try await StreamRecorder.connect(port: server.port, token: server.adminToken)
        defer { Task { await stream.close() } }
        try await stream.wait("hello") { !$0.isEmpty }
        try stream.subscribe(["*"])
        try await stream.wait("snapshot") { $0.contains { $0.type == "snapshot" } }
        let ids = try await server.recordIds(status: "draft", limit: 600)
        // 600 chunks of one item at 300 items/s: some 600 progress events in about two seconds
        let job = try await server.createJob(ids: ids, chunkSize: 1, rate: 300)
        try await stream.waitForFinish(job)
        let progress = stream.events(of: job).filter { $0.event == "progress" }
        let finalSeq = try #require((try await server.job(job))["seq"]?.intValue)
        #expect(finalSeq >= 600, "the job made an event per chunk")
        let first = try #require(progress.first?.at)
        let last = try #require(progress.last?.at)
        let span = last.timeIntervalSince(first)
        #expect(progress.count >= 2 && span > 0)
        // why: ten a second with a burst of two makes at most 12 in any second; arrivals bunch by one, hence 13
        let times = progress.compactMap(\.at)
        let busiest = times.indices.map { start in times[start...].prefix { $0.timeIntervalSince(times[start]) < 1.0 }.count }.max() ?? 0
        #expect(busiest <= 13, "\(busiest) progress events of one job arrived within one second")
        #expect(progress.count < finalSeq / 4, "progress was coalesced: \(progress.count) of \(finalSeq) events")
        Self.expectWellOrdered(stream.events(of: job))
    }

    @Test func pauseResumeCancelThroughHTTPAppearInOrder() async throws {
        let server = try await ServerProcess.start(arguments: ["--demo"])
        defer { Task { await server.stop() } }
        let ids = try await server.recordIds(status: "draft", limit: 500)
        let job = try await server.createJob(ids: ids, chunkSize: 5, rate: 50)
        let stream = try await StreamRecorder.connect(port: server.port, token: server.adminToken)
        defer { Task { await stream.close() } }
        try await stream.wait("hello") { !$0.isEmpty }
        try stream.subscribe([job])
        func waitState(_ state: String) async throws {
            try await stream.wait("state \(state)") { list in
                list.contains { $0.jobId == job && $0.event == "state" && $0.state == state }
            }
        }
        try await stream.wait("progress") { $0.contains { $0.jobId == job && $0.event == "progress" } }
        #expect(try await server.call("POST", "/v1/jobs/\(job)/pause").status == 202)
        try await waitState("paused")
        #expect(try await server.call("POST", "/v1/jobs/\(job)/resume").status == 202)
        try await waitState("running")
        #expect(try await server.call("POST", "/v1/jobs/\(job)/cancel").status == 202)
        try await stream.waitForFinish(job)
        let events = stream.events(of: job)
        Self.expectWellOrdered(events)
        let states = events.filter { $0.event == "state" }.compactMap(\.state)
        #expect(states == ["pausing", "paused", "queued", "running", "cancelling", "cancelled"], "\(states)")
        #expect(events.last?.state == "cancelled")
        let processed = try #require(events.last?.job?["progress"]?["processed"]?.intValue)
        #expect(processed > 0 && processed < 500)
        #expect(processed % 5 == 0, "cancel took effect at a chunk boundary")
    }

    @Test func reconnectWithSinceReplaysExactlyTheMissedEvents() async throws {
        let server = try await ServerProcess.start(arguments: ["--demo"])
        defer { Task { await server.stop() } }
        let ids = try await server.recordIds(status: "draft", limit: 400)
        let job = try await server.createJob(ids: ids, chunkSize: 4, rate: 100)
        let first = try await StreamRecorder.connect(port: server.port, token: server.adminToken)
        try await first.wait("hello") { !$0.isEmpty }
        try first.subscribe([job])
        try await first.wait("progress") { $0.contains { $0.jobId == job && $0.event == "progress" } }
        #expect(try await server.call("POST", "/v1/jobs/\(job)/pause").status == 202)
        try await first.wait("paused") { $0.contains { $0.jobId == job && $0.state == "paused" } }
        let seen = try #require(first.events(of: job).last?.seq)
        await first.close()

        // while nobody listens: resume, let it run a little, then cancel
        #expect(try await server.call("POST", "/v1/jobs/\(job)/resume").status == 202)
        try await server.waitForJob(job, "some progress after the resume") {
            ($0["progress"]?["processed"]?.intValue ?? 0) > 40 && $0["state"]?.stringValue == "running"
        }
        #expect(try await server.call("POST", "/v1/jobs/\(job)/cancel").status == 202)
        let final = try await server.waitForJob(job)
        let finalSeq = try #require(final["seq"]?.intValue)

        // a listener that heard everything, for the state events the replay must contain
        let second = try await StreamRecorder.connect(port: server.port, token: server.adminToken)
        defer { Task { await second.close() } }
        try await second.wait("hello") { !$0.isEmpty }
        try second.subscribe([job], since: [job: seen])
        try await second.waitForFinish(job)
        let snapshot = try #require(second.messages.first { $0.type == "snapshot" })
        #expect(snapshot.json["jobs"]?.arrayValue == [], "a replayed job is not also in the snapshot")
        let replay = second.events(of: job)
        Self.expectWellOrdered(replay)
        #expect(replay.first?.seq == seen + 1, "the replay starts right after the last seen event")
        #expect(replay.last?.seq == finalSeq)
        let states = replay.filter { $0.event == "state" }.compactMap(\.state)
        #expect(states == ["queued", "running", "cancelling", "cancelled"], "\(states)")
        #expect(replay.filter { $0.event == "finished" }.count == 1)
        // every event that is not progress is replayed; progress may be coalesced, never invented
        let replayed = Set(replay.compactMap(\.seq))
        #expect(replayed.isSubset(of: Set((seen + 1)...finalSeq)))
    }

    @Test func aStalledSubscriberDoesNotSlowAJob() async throws {
        // why: a small kernel send buffer lets the backlog reach the server's own limits within the test
        let server = try await ServerProcess.start(arguments: ["--demo", "--stream-stall-timeout", "1",
                                                               "--stream-high-water", "16384",
                                                               "--socket-send-buffer", "4096"])
        defer { Task { await server.stop() } }
        let all = try await server.recordIds(limit: 1_000) + server.recordIds(limit: 1_000, cursor: 1_000)
        func duration(_ job: String) async throws -> TimeInterval {
            let done = try await server.waitForJob(job, timeout: 120)
            #expect(done["state"]?.stringValue == "succeeded")
            #expect(done["progress"]?["processed"]?.intValue == 1_000)
            let started = try #require(done["startedAt"]?.stringValue.flatMap(Timestamp.parse))
            let finished = try #require(done["finishedAt"]?.stringValue.flatMap(Timestamp.parse))
            return finished.timeIntervalSince(started)
        }
        // 1,000 one-id chunks at 250/s; each event carries the 1,000 ids of the selection (about 12 KB)
        let alone = try await duration(try await server.createJob(ids: Array(all[0..<1_000]), chunkSize: 1,
                                                                   rate: 250))
        var tiny = WebSocketConfiguration()
        tiny.maxInboundBufferedBytes = 1_024
        let staller = try await StreamRecorder.connect(port: server.port, token: server.adminToken, read: false,
                                                       configuration: tiny)
        try staller.subscribe(["*"])
        let job = try await server.createJob(ids: Array(all[1_000..<2_000]), chunkSize: 1, rate: 250)
        let stalled = try await duration(job)
        #expect(stalled < alone * 2 + 3, "alone \(alone) s, with a stalled subscriber \(stalled) s")

        // it is cut off with 1008 once its backlog stays above the high-water mark past the stall timeout; a
        // client that reads nothing cannot see the close frame, so the server's log says it, and once the client
        // reads again its connection ends instead of carrying on
        let deadline = Date().addingTimeInterval(15)
        while !server.output.contains("stopped reading (1008)"), Date() < deadline {
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        #expect(server.output.contains("closing a stream client that stopped reading (1008)"), "\(server.output)")
        staller.startReading()
        let info = await staller.closeInfo(within: 20)
        print("stalled subscriber: closed with \(info.map { "\($0.code)" } ?? "nothing"); alone \(alone) s, stalled \(stalled) s")
        #expect(info != nil, "the stalled connection was not closed")
        #expect(info.map { [1008, 1006].contains($0.code.rawValue) } ?? false)
    }
}
