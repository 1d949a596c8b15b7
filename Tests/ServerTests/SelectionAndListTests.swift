import Foundation
import Orchestrator
import Testing

/// Entity lists, select-all with exclusions, limits and filter errors through the real binary.
@Suite(.serialized) struct SelectionAndListTests {
    @Test func listsFilterPageAndSearchEveryEntity() async throws {
        let demo = try await DemoServer.start()
        defer { Task { await demo.stop() } }
        for entity in ["staff", "clients", "patients", "appointments", "records", "billing", "accounts", "templates",
                       "messages"] {
            let reply = try await demo.call("GET", "/v1/\(entity)?limit=2")
            #expect(reply.status == 200, "\(entity): \(reply.text)")
            #expect(reply.json["items"]?.arrayValue != nil)
            #expect(reply.json["total"]?.int != nil)
        }
        #expect(try await demo.all("/v1/staff?role=vet").count >= 5)
        let first = try await demo.call("GET", "/v1/clients?limit=50")
        #expect(first.json["total"]?.int == 2_500)
        #expect(first.json["items"]?.arrayValue?.count == 50)
        let cursor = try #require(first.json["nextCursor"]?.string)
        let second = try await demo.call("GET", "/v1/clients?limit=50&cursor=\(cursor)")
        #expect(second.json["items"]?.arrayValue?.first?["id"] != first.json["items"]?.arrayValue?.first?["id"])
        #expect(try await demo.call("GET", "/v1/clients?limit=1001").status == 400)

        let chen = try await demo.all("/v1/staff?q=chen")
        #expect(DemoServer.ids(chen) == ["vet_chen"])
        let someClient = try await demo.row("clients", "cli_00042")
        let lastName = try #require(someClient["lastName"]?.string)
        let found = try await demo.all("/v1/clients?q=\(lastName.lowercased().replacingOccurrences(of: "'", with: "%27"))")
        #expect(found.allSatisfy { row in
            let text = ["firstName", "lastName", "email"].compactMap { row[$0]?.string }.joined(separator: " ")
            return text.lowercased().contains(lastName.lowercased())
        })
        #expect(DemoServer.ids(found).contains("cli_00042"))

        let two = try await demo.all("/v1/records?ids=rec_00001,rec_00002")
        #expect(DemoServer.ids(two) == ["rec_00001", "rec_00002"])
        let tomorrow = DemoServer.day(1)
        let appointments = try await demo.all("/v1/appointments?from=\(tomorrow)&to=\(tomorrow)")
        #expect(!appointments.isEmpty)
        #expect(appointments.allSatisfy { $0["startsAt"]?.string?.hasPrefix(tomorrow) == true })

        let unknown = try await demo.call("GET", "/v1/records?colour=blue")
        #expect(unknown.status == 400)
        #expect(unknown.errorCode == "bad_request")
        #expect(try await demo.call("GET", "/v1/records?status=lost").status == 400)
        #expect(try await demo.call("GET", "/v1/records?includeDeleted=true", token: demo.staffToken).status == 403)
        #expect(try await demo.call("GET", "/v1/records?includeDeleted=true", token: demo.managerToken).status == 200)
        let badJob = try await demo.call("POST", "/v1/jobs/preview", body: """
            {"kind":"records.setStatus","selection":{"entity":"records","filter":{"colour":"blue"}},"params":{"to":"archived"}}
            """)
        #expect(badJob.status == 400)
    }

    @Test func selectAllWithExclusionsCoversEverythingElse() async throws {
        let demo = try await DemoServer.start()
        defer { Task { await demo.stop() } }
        let drafts = DemoServer.ids(try await demo.all("/v1/records?status=draft&vetId=vet_garcia"))
        let excluded = [drafts[0], drafts[5], drafts[drafts.count - 1]]
        let job = try await demo.run([
            "kind": "records.setStatus", "params": ["to": "finalized"], "confirm": "FINALIZE",
            "selection": ["entity": "records", "filter": ["status": "draft", "vetId": "vet_garcia"],
                          "exclude": .array(excluded.map { .string($0) })],
        ])
        #expect(job["progress"]?["total"]?.int == drafts.count - 3)
        #expect(job["progress"]?["succeeded"]?.int == drafts.count - 3)
        let left = DemoServer.ids(try await demo.all("/v1/records?status=draft&vetId=vet_garcia"))
        #expect(Set(left) == Set(excluded))
    }

    @Test func selectionsOverTheLimitAnswerLimitExceeded() async throws {
        let demo = try await DemoServer.start()
        defer { Task { await demo.stop() } }
        let records = try await demo.call("POST", "/v1/jobs", body: """
            {"kind":"records.addTags","selection":{"entity":"records","filter":{}},"params":{"tags":["x"]}}
            """)
        #expect(records.status == 422)
        #expect(records.errorCode == "limit_exceeded")
        #expect(records.json["error"]?["details"]?["limit"]?.int == 1_000)
        #expect(records.json["error"]?["details"]?["count"]?.int == 3_000)
        let appointments = try await demo.call("POST", "/v1/jobs", body: """
            {"kind":"appointments.cancel","selection":{"entity":"appointments","filter":{}},"params":{"reason":"x"}}
            """)
        #expect(appointments.errorCode == "limit_exceeded")
        #expect(appointments.json["error"]?["details"]?["limit"]?.int == 500)
        let deletes = try await demo.call("POST", "/v1/jobs", body: """
            {"kind":"delete","selection":{"entity":"appointments","filter":{}},"params":{"mode":"soft"}}
            """, token: demo.managerToken)
        #expect(deletes.errorCode == "limit_exceeded")
        #expect(deletes.json["error"]?["details"]?["limit"]?.int == 500)
        // Nothing changed.
        #expect(try await demo.all("/v1/messages").isEmpty)
    }

    @Test func limitsAreConfigurable() async throws {
        let demo = try await DemoServer.start(arguments: ["--limits", "records=5000"])
        defer { Task { await demo.stop() } }
        let preview = try await demo.call("POST", "/v1/jobs/preview", body: """
            {"kind":"records.addTags","selection":{"entity":"records","filter":{}},"params":{"tags":["x"]}}
            """)
        #expect(preview.status == 200)
        #expect(preview.json["total"]?.int == 3_000)
    }
}
