import Foundation
import Orchestrator
import Testing

/// The collections kinds: exact collector counts with a random choice, even spreads, unassign, payment credit
/// (with its approval) and the configurable status set.
@Suite(.serialized) struct AccountKindsTests {
    @Test func thirtyTwentySplitIsExactAndTheChoiceDiffersAcrossRuns() async throws {
        let demo = try await DemoServer.start()
        defer { Task { await demo.stop() } }
        let unassigned = DemoServer.ids(try await demo.all("/v1/accounts?portfolio=P-2026-A&assignedTo=none"))
        #expect(unassigned.count >= 110)
        let chosen = Array(unassigned.prefix(50))
        let selection: JSONValue = ["entity": "accounts", "ids": .array(chosen.map { .string($0) })]
        let params: JSONValue = ["collectors": [["id": "col_adams", "count": 30], ["id": "col_brooks", "count": 20]]]
        let preview = try await demo.preview(["kind": "accounts.assign", "selection": selection, "params": params])
        #expect(preview["estimate"]?["assignments"]?["col_adams"]?.int == 30)
        #expect(preview["estimate"]?["assignments"]?["col_brooks"]?.int == 20)

        func owners(_ ids: [String]) async throws -> [String: Set<String>] {
            var byCollector: [String: Set<String>] = [:]
            for id in ids {
                let owner = try await demo.row("accounts", id)["assignedTo"]?.string ?? "none"
                byCollector[owner, default: []].insert(id)
            }
            return byCollector
        }
        var adamsSets: [Set<String>] = []
        for _ in 0..<2 {
            // chunks of 7 so that the exact counts have to hold across chunks
            let job = try await demo.run(["kind": "accounts.assign", "selection": selection, "params": params,
                                          "chunkSize": 7])
            #expect(job["state"]?.string == "succeeded")
            let byCollector = try await owners(chosen)
            #expect(byCollector["col_adams"]?.count == 30)
            #expect(byCollector["col_brooks"]?.count == 20)
            adamsSets.append(byCollector["col_adams"] ?? [])
            let audit = try await demo.all("/v1/audit?jobId=\(job["id"]?.string ?? "")&entity=accounts")
            #expect(audit.count == job["progress"]?["succeeded"]?.int)
        }
        #expect(adamsSets[0] != adamsSets[1], "two runs chose the same 30 accounts for col_adams")

        // Fewer counted than selected: exactly 30 and 20, the other 10 stay unassigned.
        let more = Array(unassigned.dropFirst(50).prefix(60))
        let job = try await demo.run(["kind": "accounts.assign", "params": params, "chunkSize": 9,
                                      "selection": ["entity": "accounts", "ids": .array(more.map { .string($0) })]])
        #expect(job["progress"]?["skipped"]?.int == 10)
        let split = try await owners(more)
        #expect(split["col_adams"]?.count == 30)
        #expect(split["col_brooks"]?.count == 20)
        #expect(split["none"]?.count == 10)

        let tooMany = try await demo.call("POST", "/v1/jobs", body: DemoServer.text(
            ["kind": "accounts.assign", "selection": selection,
             "params": ["collectors": [["id": "col_adams", "count": 50], ["id": "col_brooks", "count": 20]]]]))
        #expect(tooMany.status == 422)
        #expect(tooMany.errorCode == "validation_failed")
        let notCollector = try await demo.call("POST", "/v1/jobs", body: DemoServer.text(
            ["kind": "accounts.assign", "selection": selection, "params": ["collectors": [["id": "vet_chen"]]]]))
        #expect(notCollector.status == 422)
    }

    @Test func evenSpreadUnassignAndStatus() async throws {
        let demo = try await DemoServer.start(arguments: ["--account-statuses", "new,active,legal,closed"])
        defer { Task { await demo.stop() } }
        let chosen = Array(DemoServer.ids(try await demo.all("/v1/accounts?portfolio=P-2026-B")).prefix(50))
        let selection: JSONValue = ["entity": "accounts", "ids": .array(chosen.map { .string($0) })]
        _ = try await demo.run(["kind": "accounts.assign", "selection": selection,
                                "params": ["collectors": [["id": "col_adams"], ["id": "col_nguyen"], ["id": "col_ortiz"]]]])
        var counts: [String: Int] = [:]
        for id in chosen { counts[try await demo.row("accounts", id)["assignedTo"]?.string ?? "none", default: 0] += 1 }
        #expect(counts.values.sorted() == [16, 17, 17])
        #expect(Set(counts.keys) == ["col_adams", "col_nguyen", "col_ortiz"])

        _ = try await demo.run(["kind": "accounts.assign", "selection": selection, "params": ["unassign": true]])
        for id in chosen.prefix(10) { #expect(try await demo.row("accounts", id)["assignedTo"]?.string == nil) }

        let legal = try await demo.run(["kind": "accounts.setStatus", "selection": selection, "params": ["to": "legal"]])
        #expect(legal["state"]?.string == "succeeded")
        #expect(try await demo.all("/v1/accounts?status=legal").count >= chosen.count)
        for id in chosen.prefix(10) { #expect(try await demo.row("accounts", id)["status"]?.string == "legal") }
        let unknown = try await demo.call("POST", "/v1/jobs", body: DemoServer.text(
            ["kind": "accounts.setStatus", "selection": selection, "params": ["to": "paidInFull"]]))
        #expect(unknown.status == 422)
        let kinds = try await demo.call("GET", "/v1/kinds").json["kinds"]?.arrayValue ?? []
        let setStatus = kinds.first { $0["kind"]?.string == "accounts.setStatus" }
        #expect(setStatus?["paramsSchema"]?["properties"]?["to"]?["enum"] == ["new", "active", "legal", "closed"])
    }

    @Test func creditingPaymentsByStaffWaitsForApproval() async throws {
        let demo = try await DemoServer.start()
        defer { Task { await demo.stop() } }
        let accounts = try await demo.all("/v1/accounts?portfolio=P-2026-C")
        let paying = Array(accounts.filter { $0["lastPaymentAmount"] != nil && $0["assignedTo"]?.string != "col_ortiz" }.prefix(12))
        let ids = DemoServer.ids(paying)
        let job = try await demo.create(["kind": "accounts.assign",
                                         "selection": ["entity": "accounts", "ids": .array(ids.map { .string($0) })],
                                         "params": ["collectors": [["id": "col_ortiz"]], "creditPayments": "all"]],
                                        token: demo.staffToken)
        #expect(job["state"]?.string == "awaitingApproval")
        let id = try #require(job["id"]?.string)
        #expect(try await demo.call("POST", "/v1/jobs/\(id)/approve", token: demo.staffToken).status == 403)
        #expect(try await demo.row("accounts", ids[0])["assignedTo"]?.string != "col_ortiz")
        let approved = try await demo.call("POST", "/v1/jobs/\(id)/approve", token: demo.managerToken)
        #expect(approved.status == 202)
        let done = try await demo.wait(id)
        #expect(done["state"]?.string == "succeeded")
        for account in ids {
            let row = try await demo.row("accounts", account)
            #expect(row["assignedTo"]?.string == "col_ortiz")
            #expect(row["paymentsCreditedTo"]?.string == "col_ortiz")
        }
        // Without payment credit, staff assign at once.
        let direct = try await demo.create(["kind": "accounts.assign",
                                            "selection": ["entity": "accounts", "ids": .array(ids.prefix(3).map { .string($0) })],
                                            "params": ["collectors": [["id": "col_adams"]]]], token: demo.staffToken)
        #expect(direct["state"]?.string != "awaitingApproval")
        let actions = try await demo.all("/v1/audit?jobId=\(id)&entity=jobs")
        #expect(actions.compactMap { $0["action"]?.string } == ["job.create", "job.approve"])
        #expect(actions.first?["actor"]?.string == "Front desk")
        #expect(actions.last?["actor"]?.string == "Practice manager")
    }
}
