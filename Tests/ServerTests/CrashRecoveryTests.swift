import Foundation
import Jobs
import Orchestrator
import Testing

/// Kills the real server with SIGKILL at random moments during a 100,000-item records.setStatus job, restarts it
/// each time, and then checks the store item by item: every record finalized, every item audited exactly once,
/// and the job's counts free of skips (a chunk applied twice would show its items as "already finalized").
/// The job is throttled to 3,000 items/s in chunks of 100 only so that twenty lives fit inside it; a chunk still
/// takes a few milliseconds of work and commits, which is where many of the kills land.
@Suite(.serialized) struct CrashRecoveryTests {
    static let items = 100_000
    static let kills = 20

    @Test func sigkillDuringAJobLosesNothingAndRepeatsNothing() async throws {
        let data = ServerProcess.temporaryDirectory()
        let arguments = ["--bench-data", String(Self.items), "--limits", "records=\(Self.items)"]
        var seed = UInt64(Date().timeIntervalSince1970 * 1000)
        if let fixed = ProcessInfo.processInfo.environment["BULKOPS_CRASH_SEED"], let value = UInt64(fixed) { seed = value }
        print("crash test: seed \(seed), data \(data)")
        var random = SeededRandom(seed: seed)

        var server = try await ServerProcess.start(dataDirectory: data, arguments: arguments)
        let created = try await server.call("POST", "/v1/jobs", body: """
            {"kind":"records.setStatus","selection":{"entity":"records","filter":{"status":"draft"}},
             "params":{"to":"finalized"},"confirm":"FINALIZE","chunkSize":100,"maxItemsPerSecond":3000}
            """)
        #expect(created.status == 201, "\(created.text)")
        let jobId = try #require(created.json["id"]?.stringValue)
        let token = server.adminToken

        var killed = 0
        var processed = 0
        while killed < Self.kills {
            let life = Double(random.next() % 600) / 1_000
            try await Task.sleep(nanoseconds: UInt64(life * 1_000_000_000))
            await server.kill()
            killed += 1
            server = try await ServerProcess.start(dataDirectory: data, arguments: arguments)
            let job = try await server.call("GET", "/v1/jobs/\(jobId)", token: token)
            let now = job.json["progress"]?["processed"]?.intValue ?? -1
            let state = job.json["state"]?.stringValue ?? "?"
            print("crash test: kill \(killed) \(String(format: "%.3f", life)) s after listening; recovered at \(now) items, \(state)")
            #expect(now >= processed, "progress went backwards from \(processed) to \(now)")
            processed = now
            #expect(state == "running" || state == "succeeded", "unexpected state \(state) after recovery")
            if state == "succeeded" { break }
        }
        #expect(killed >= Self.kills, "the job finished after only \(killed) kills")

        var finished: JSONValue = .null
        let deadline = Date().addingTimeInterval(300)
        while Date() < deadline {
            finished = try await server.call("GET", "/v1/jobs/\(jobId)", token: token).json
            if finished["state"]?.stringValue.map({ ["succeeded", "completedWithErrors", "failed"].contains($0) }) == true { break }
            try await Task.sleep(nanoseconds: 100_000_000)
        }
        #expect(finished["state"]?.stringValue == "succeeded")
        #expect(finished["progress"]?["succeeded"]?.intValue == Self.items)
        #expect(finished["progress"]?["failed"]?.intValue == 0)
        #expect(finished["progress"]?["skipped"]?.intValue == 0)
        #expect(await server.stop() == 0)

        let store = try await PracticeStore.open(directory: data + "/practice")
        let state = await store.state
        let ids = (0..<Self.items).map(BenchData.recordId)
        let notFinalized = ids.filter { state.records[$0]?.status != .finalized }
        #expect(notFinalized.isEmpty, "\(notFinalized.count) records not finalized, e.g. \(notFinalized.prefix(5))")
        let audits = await store.auditCountByItem(jobId: jobId)
        let wrong = ids.filter { audits[$0] != 1 }
        #expect(wrong.isEmpty, "\(wrong.count) items not audited exactly once, e.g. \(wrong.prefix(5).map { "\($0): \(audits[$0] ?? 0)" })")
        #expect(audits.count == Self.items)
        await store.close()
        try? FileManager.default.removeItem(atPath: (data as NSString).deletingLastPathComponent)
    }
}
