import Foundation
import Orchestrator
import Testing

/// Soft and hard deletes through the real binary: hiding, cascades, restore, roles, confirmation and purge.
@Suite(.serialized) struct DeletionTests {
    @Test func softDeleteHidesCascadesAndRestoreBringsBack() async throws {
        let demo = try await DemoServer.start()
        defer { Task { await demo.stop() } }
        // A patient with upcoming appointments and bills.
        let billed = Set(try await demo.all("/v1/billing").compactMap { $0["patientId"]?.string })
        let upcoming = try await demo.all("/v1/appointments?status=scheduled&from=\(DemoServer.day(1))")
        let patient = try #require(upcoming.compactMap { $0["patientId"]?.string }.first { billed.contains($0) })
        let appointments = try await demo.all("/v1/appointments?patientId=\(patient)")
        let bills = try await demo.all("/v1/billing?patientId=\(patient)")
        #expect(!bills.isEmpty)

        let job = try await demo.run(["kind": "delete", "params": ["mode": "soft"],
                                      "selection": ["entity": "patients", "ids": [.string(patient)]]],
                                     token: demo.managerToken)
        #expect(job["state"]?.string == "succeeded")
        #expect(try await demo.all("/v1/patients?ids=\(patient)").isEmpty)
        #expect(try await demo.all("/v1/patients?q=\(patient)").isEmpty)
        #expect(try await demo.call("GET", "/v1/patients/\(patient)").status == 404)
        #expect(try await demo.all("/v1/patients?ids=\(patient)&includeDeleted=true", token: demo.managerToken).count == 1)
        for appointment in appointments {
            let row = try await demo.row("appointments", appointment["id"]?.string ?? "")
            let was = appointment["status"]?.string ?? ""
            #expect(row["status"]?.string == (["scheduled", "confirmed", "checkedIn"].contains(was) ? "patientDeleted" : was))
        }
        for bill in bills { #expect(try await demo.row("billing", bill["id"]?.string ?? "")["status"]?.string == "orphaned") }

        let restored = try await demo.call("POST", "/v1/patients/\(patient)/restore", token: demo.staffToken)
        #expect(restored.status == 200, "\(restored.text)")
        #expect(try await demo.all("/v1/patients?ids=\(patient)").count == 1)
        for appointment in appointments {
            #expect(try await demo.row("appointments", appointment["id"]?.string ?? "")["status"] == appointment["status"])
        }
        for bill in bills { #expect(try await demo.row("billing", bill["id"]?.string ?? "")["status"] == bill["status"]) }
        #expect(try await demo.call("POST", "/v1/patients/\(patient)/restore").status == 409)

        // A draft record: hidden, then back.
        let draft = try #require(DemoServer.ids(try await demo.all("/v1/records?status=draft")).first)
        let draftJob = try await demo.run(["kind": "delete", "params": ["mode": "soft"],
                                           "selection": ["entity": "records", "ids": [.string(draft)]]],
                                          token: demo.managerToken)
        #expect(draftJob["state"]?.string == "succeeded")
        #expect(try await demo.all("/v1/records?ids=\(draft)").isEmpty)
        #expect(try await demo.call("POST", "/v1/records/\(draft)/restore").status == 200)
        #expect(try await demo.row("records", draft)["status"]?.string == "draft")

        let audit = try await demo.all("/v1/audit?itemId=\(patient)")
        #expect(audit.compactMap { $0["action"]?.string } == ["delete.soft", "restore"])
        let cascade = try await demo.all("/v1/audit?jobId=\(job["id"]?.string ?? "")&action=delete.cascade")
        #expect(cascade.count == bills.count + appointments.count { ["scheduled", "confirmed", "checkedIn"].contains($0["status"]?.string ?? "") })
    }

    @Test func aBilledRecordIsLockedSoItsBillStays() async throws {
        let demo = try await DemoServer.start()
        defer { Task { await demo.stop() } }
        let bill = try #require(try await demo.all("/v1/billing?status=open").first)
        let record = try #require(bill["recordId"]?.string)
        let job = try await demo.run(["kind": "delete", "params": ["mode": "soft"],
                                      "selection": ["entity": "records", "ids": [.string(record)]]],
                                     token: demo.managerToken)
        #expect(try await demo.outcomes(job["id"]?.string ?? "")[record]?.reason == "locked")
        #expect(try await demo.all("/v1/billing?recordId=\(record)").first?["status"]?.string == "open")
    }

    @Test func hardDeleteNeedsAManagerAndThePhraseAndCannotBeRestored() async throws {
        let demo = try await DemoServer.start()
        defer { Task { await demo.stop() } }
        let clients = Array(DemoServer.ids(try await demo.all("/v1/clients?preferredContact=phone")).prefix(15))
        let body: JSONValue = ["kind": "delete", "params": ["mode": "hard"],
                               "selection": ["entity": "clients", "ids": .array(clients.map { .string($0) })]]
        let byStaff = try await demo.call("POST", "/v1/jobs", body: DemoServer.text(body), token: demo.staffToken)
        #expect(byStaff.status == 403)
        #expect(byStaff.errorCode == "forbidden")
        let noPhrase = try await demo.call("POST", "/v1/jobs", body: DemoServer.text(body), token: demo.managerToken)
        #expect(noPhrase.status == 422)
        #expect(noPhrase.errorCode == "confirmation_required")
        #expect(noPhrase.json["error"]?["details"]?["phrase"]?.string == "DELETE")
        #expect(noPhrase.json["error"]?["details"]?["count"]?.int == 15)
        #expect(try await demo.all("/v1/clients?ids=\(clients.joined(separator: ","))").count == 15)

        var confirmed = body.objectValue ?? [:]
        confirmed["confirm"] = "DELETE"
        let job = try await demo.run(.object(confirmed), token: demo.managerToken)
        #expect(job["progress"]?["succeeded"]?.int == 15)
        #expect(try await demo.all("/v1/clients?ids=\(clients.joined(separator: ","))&includeDeleted=true",
                                   token: demo.managerToken).isEmpty)
        #expect(try await demo.call("POST", "/v1/clients/\(clients[0])/restore").status == 404)
    }

    @Test func staffSoftDeleteWaitsForApprovalAndRejectLeavesTheData() async throws {
        let demo = try await DemoServer.start()
        defer { Task { await demo.stop() } }
        let templates = DemoServer.ids(try await demo.all("/v1/templates?channel=sms"))
        let body: JSONValue = ["kind": "delete", "params": ["mode": "soft"],
                               "selection": ["entity": "templates", "ids": .array(templates.map { .string($0) })]]
        let first = try await demo.create(body, token: demo.staffToken)
        #expect(first["state"]?.string == "awaitingApproval")
        let firstId = try #require(first["id"]?.string)
        #expect(try await demo.call("POST", "/v1/jobs/\(firstId)/reject", token: demo.managerToken).status == 202)
        #expect(try await demo.all("/v1/templates?channel=sms").count == templates.count)

        let second = try await demo.create(body, token: demo.staffToken)
        let secondId = try #require(second["id"]?.string)
        #expect(second["state"]?.string == "awaitingApproval")
        #expect(try await demo.call("POST", "/v1/jobs/\(secondId)/approve", token: demo.managerToken).status == 202)
        #expect(try await demo.wait(secondId)["state"]?.string == "succeeded")
        #expect(try await demo.all("/v1/templates?channel=sms").isEmpty)

        let rejected = try await demo.all("/v1/audit?jobId=\(firstId)")
        #expect(rejected.compactMap { $0["action"]?.string } == ["job.create", "job.reject"])
        #expect(rejected.last?["before"]?["state"]?.string == "awaitingApproval")
        #expect(rejected.last?["after"]?["state"]?.string == "rejected")
        let approvedItems = try await demo.all("/v1/audit?jobId=\(secondId)&entity=templates")
        #expect(Set(approvedItems.compactMap { $0["itemId"]?.string }) == Set(templates))
        #expect(approvedItems.allSatisfy { $0["actor"]?.string == "Front desk" && $0["action"]?.string == "delete.soft" })
    }

    @Test func softDeletedRowsArePurgedAfterTheRetentionPeriod() async throws {
        let data = ServerProcess.temporaryDirectory()
        var demo = try await DemoServer.start(dataDirectory: data)
        let patients = Array(DemoServer.ids(try await demo.all("/v1/patients?species=rabbit")).prefix(3))
        _ = try await demo.run(["kind": "delete", "params": ["mode": "soft"],
                                "selection": ["entity": "patients", "ids": .array(patients.map { .string($0) })]],
                               token: demo.managerToken)
        await demo.stop()
        // Still there (within 90 days) after a normal restart …
        demo = DemoServer(server: try await ServerProcess.start(dataDirectory: data), staffToken: demo.staffToken,
                          managerToken: demo.managerToken)
        #expect(try await demo.all("/v1/patients?ids=\(patients.joined(separator: ","))&includeDeleted=true",
                                   token: demo.managerToken).count == 3)
        await demo.stop()
        // … and gone for good once the retention period is over.
        let last = DemoServer(server: try await ServerProcess.start(dataDirectory: data, arguments: ["--purge-after-days", "0"]),
                              staffToken: demo.staffToken, managerToken: demo.managerToken)
        demo = last
        defer { Task { await last.stop() } }
        #expect(try await demo.all("/v1/patients?ids=\(patients.joined(separator: ","))&includeDeleted=true",
                                   token: demo.managerToken).isEmpty)
        #expect(try await demo.call("POST", "/v1/patients/\(patients[0])/restore").status == 404)
        let purge = try await demo.all("/v1/audit?action=purge&entity=patients")
        #expect(Set(purge.compactMap { $0["itemId"]?.string }) == Set(patients))
    }
}
