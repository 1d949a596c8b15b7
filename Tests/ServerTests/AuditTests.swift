import Foundation
import Orchestrator
import Testing

/// The audit log: one entry per changed item and per operator action, queried by job, item, actor and time.
@Suite(.serialized) struct AuditTests {
    @Test func operatorActionsAndItemChangesAreQueryableByJobItemActorAndTime() async throws {
        let demo = try await DemoServer.start()
        defer { Task { await demo.stop() } }
        let started = Timestamp.string(Date().addingTimeInterval(-1))
        let drafts = DemoServer.ids(try await demo.all("/v1/records?status=draft&vetId=vet_okafor"))
        let job = try await demo.create(["kind": "records.addTags", "params": ["tags": ["audit-check"]],
                                         "selection": ["entity": "records", "filter": ["status": "draft", "vetId": "vet_okafor"]],
                                         "chunkSize": 10, "maxItemsPerSecond": 40], token: demo.staffToken)
        let id = try #require(job["id"]?.string)
        #expect(try await demo.call("POST", "/v1/jobs/\(id)/pause", token: demo.staffToken).status == 202)
        var state = ""
        for _ in 0..<100 {
            state = try await demo.call("GET", "/v1/jobs/\(id)").json["state"]?.string ?? ""
            if state == "paused" { break }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        #expect(state == "paused")
        #expect(try await demo.call("POST", "/v1/jobs/\(id)/resume", token: demo.managerToken).status == 202)
        #expect(try await demo.call("POST", "/v1/jobs/\(id)/cancel", token: demo.managerToken).status == 202)
        let finished = try await demo.wait(id)
        #expect(finished["state"]?.string == "cancelled")
        let processed = finished["progress"]?["succeeded"]?.int ?? -1
        #expect(processed > 0 && processed < drafts.count)

        let actions = try await demo.all("/v1/audit?jobId=\(id)&entity=jobs")
        #expect(actions.compactMap { $0["action"]?.string } == ["job.create", "job.pause", "job.resume", "job.cancel"])
        #expect(actions.compactMap { $0["actor"]?.string } == ["Front desk", "Front desk", "Practice manager", "Practice manager"])
        #expect(actions.allSatisfy { $0["itemId"]?.string == id })

        let items = try await demo.all("/v1/audit?jobId=\(id)&entity=records")
        #expect(items.count == processed)
        #expect(items.allSatisfy { $0["action"]?.string == "records.addTags" && $0["actor"]?.string == "Front desk" })
        let tagged = try #require(items.first?["itemId"]?.string)
        let oneItem = try await demo.all("/v1/audit?itemId=\(tagged)")
        #expect(oneItem.count == 1)
        #expect(oneItem.first?["after"]?["tags"]?.arrayValue?.contains("audit-check") == true)
        #expect(oneItem.first?["before"]?["tags"]?.arrayValue?.contains("audit-check") == false)

        let byManager = try await demo.all("/v1/audit?actor=Practice%20manager")
        #expect(byManager.count == 2)
        #expect(try await demo.all("/v1/audit?jobId=\(id)&from=\(started)").count == actions.count + items.count)
        #expect(try await demo.all("/v1/audit?jobId=\(id)&to=\(started)").isEmpty)
        #expect(try await demo.all("/v1/audit?jobId=\(id)&from=\(DemoServer.day(1))").isEmpty)
        #expect(try await demo.call("GET", "/v1/audit?who=me").status == 400)
    }
}
