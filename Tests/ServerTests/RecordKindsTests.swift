import Foundation
import Orchestrator
import Testing

/// The records kinds against the real binary with the demo practice, checked on the resulting data.
@Suite(.serialized) struct RecordKindsTests {
    @Test func finalizeNeedsThePhraseWithTheCountThenLocksEveryDraft() async throws {
        let demo = try await DemoServer.start()
        defer { Task { await demo.stop() } }
        let drafts = try await demo.all("/v1/records?status=draft&vetId=vet_chen")
        #expect(drafts.count > 50)
        let body: JSONValue = ["kind": "records.setStatus", "params": ["to": "finalized"],
                               "selection": ["entity": "records", "filter": ["status": "draft", "vetId": "vet_chen"]]]
        let refused = try await demo.call("POST", "/v1/jobs", body: DemoServer.text(body))
        #expect(refused.status == 422)
        #expect(refused.errorCode == "confirmation_required")
        #expect(refused.json["error"]?["details"]?["phrase"]?.string == "FINALIZE")
        #expect(refused.json["error"]?["details"]?["count"]?.int == drafts.count)

        var confirmed = body.objectValue ?? [:]
        confirmed["confirm"] = "FINALIZE"
        let job = try await demo.run(.object(confirmed))
        #expect(job["state"]?.string == "succeeded")
        #expect(job["progress"]?["succeeded"]?.int == drafts.count)
        #expect(try await demo.all("/v1/records?status=draft&vetId=vet_chen").isEmpty)
        for id in DemoServer.ids(drafts).prefix(20) {
            #expect(try await demo.row("records", id)["status"]?.string == "finalized")
        }
        let audit = try await demo.all("/v1/audit?jobId=\(job["id"]?.string ?? "")&entity=records")
        #expect(audit.count == drafts.count)
    }

    @Test func assignVetAddTagsAndBillingChangeTheDataAndRefuseLockedRecords() async throws {
        let demo = try await DemoServer.start()
        defer { Task { await demo.stop() } }
        let drafts = Array(DemoServer.ids(try await demo.all("/v1/records?status=draft&vetId=vet_patel")).prefix(6))
        let finalized = Array(DemoServer.ids(try await demo.all("/v1/records?status=finalized&billed=false")).prefix(4))
        let ids = JSONValue.array((drafts + finalized).map { .string($0) })

        let assign = try await demo.run(["kind": "records.assignVet", "params": ["vetId": "vet_wilson"],
                                         "selection": ["entity": "records", "ids": ids]])
        #expect(assign["state"]?.string == "completedWithErrors")
        let assigned = try await demo.outcomes(assign["id"]?.string ?? "")
        for id in drafts {
            #expect(assigned[id]?.status == "succeeded")
            #expect(try await demo.row("records", id)["vetId"]?.string == "vet_wilson")
        }
        for id in finalized {
            #expect(assigned[id]?.status == "failed")
            #expect(assigned[id]?.reason == "locked")
        }

        let tag = try await demo.run(["kind": "records.addTags", "params": ["tags": ["needs-review", "follow-up"]],
                                      "selection": ["entity": "records", "ids": ids]])
        let tagged = try await demo.outcomes(tag["id"]?.string ?? "")
        for id in drafts {
            let tags = try await demo.row("records", id)["tags"]?.arrayValue?.compactMap(\.stringValue) ?? []
            #expect(tags.contains("needs-review") && tags.contains("follow-up"))
            #expect(tags.count(where: { $0 == "follow-up" }) == 1)
        }
        for id in finalized { #expect(tagged[id]?.reason == "locked") }

        let bill = try await demo.run(["kind": "records.generateBilling", "params": [:],
                                       "selection": ["entity": "records", "ids": ids]])
        let billed = try await demo.outcomes(bill["id"]?.string ?? "")
        for id in finalized {
            #expect(billed[id]?.status == "succeeded")
            #expect(try await demo.row("records", id)["billed"]?.boolValue == true)
            let bills = try await demo.all("/v1/billing?recordId=\(id)")
            #expect(bills.count == 1)
            #expect(bills.first?["status"]?.string == "open")
            #expect((bills.first?["amount"]?.doubleValue ?? 0) > 0)
        }
        for id in drafts {
            #expect(billed[id]?.status == "failed")
            #expect(billed[id]?.reason?.contains("draft") == true)
            #expect(try await demo.all("/v1/billing?recordId=\(id)").isEmpty)
        }
        // Billing twice never makes a second bill.
        let again = try await demo.run(["kind": "records.generateBilling", "params": [:],
                                        "selection": ["entity": "records", "ids": .array(finalized.map { .string($0) })]])
        #expect(again["progress"]?["skipped"]?.int == finalized.count)
    }

    @Test func aFinalizedRecordRefusesEveryChangeWithTheReasonLocked() async throws {
        let demo = try await DemoServer.start()
        defer { Task { await demo.stop() } }
        let finalized = Array(DemoServer.ids(try await demo.all("/v1/records?status=finalized")).prefix(3))
        let ids = JSONValue.array(finalized.map { .string($0) })
        var before: [String: JSONValue] = [:]
        for id in finalized { before[id] = try await demo.row("records", id) }
        let attempts: [(JSONValue, String?)] = [
            (["kind": "records.assignVet", "params": ["vetId": "vet_okafor"]], nil),
            (["kind": "records.addTags", "params": ["tags": ["x"]]], nil),
            (["kind": "delete", "params": ["mode": "soft"]], nil),
            (["kind": "delete", "params": ["mode": "hard"], "confirm": "DELETE"], nil),
        ]
        for (attempt, _) in attempts {
            var body = attempt.objectValue ?? [:]
            body["selection"] = ["entity": "records", "ids": ids]
            let job = try await demo.run(.object(body), token: demo.managerToken)
            #expect(job["state"]?.string == "completedWithErrors", "\(attempt)")
            #expect(job["progress"]?["failed"]?.int == finalized.count)
            let outcomes = try await demo.outcomes(job["id"]?.string ?? "")
            for id in finalized { #expect(outcomes[id]?.reason == "locked", "\(attempt): \(id)") }
        }
        for id in finalized { #expect(try await demo.row("records", id) == before[id]) }
    }
}
