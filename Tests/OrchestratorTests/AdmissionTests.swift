import Foundation
import Orchestrator
import Testing

@Suite("Admission: limits, confirmation, validation, approval, schedules and retry-failed")
struct AdmissionTests {
    @Test("a selection over the kind's limit answers limit_exceeded with limit and count",
          arguments: [false, true])
    func limitExceeded(byFilter: Bool) async throws {
        let universe = itemIds("u", 12)
        let h = Harness(selectionLimit: 10, universe: universe)
        let request = byFilter
            ? JobRequest(kind: "test.touch",
                         selection: Selection(entity: "things", filter: ["prefix": "u"], exclude: ["u-0000"]),
                         createdBy: "t")
            : Harness.request(itemIds("u", 11))
        let error = await expectJobError { _ = try await h.supervisor.create(request) }
        #expect(error?.code == .limitExceeded)
        #expect(error?.details["limit"]?.intValue == 10)
        #expect(error?.details["count"]?.intValue == 11)
        #expect(await h.supervisor.list().isEmpty)
        #expect(await h.store.records.isEmpty)
        // at the limit is fine, and duplicates count once
        let atLimit = try await h.supervisor.create(Harness.request(itemIds("u", 10) + itemIds("u", 5)))
        #expect(atLimit.progress.total == 10)
    }

    @Test("kinds that cannot be undone need the exact confirmation phrase", arguments: [nil, "delete", "DELETE "])
    func confirmationRequired(confirm: String?) async throws {
        let h = Harness(confirmationPhrase: "DELETE")
        let ids = itemIds("d", 12)
        let error = await expectJobError {
            _ = try await h.supervisor.create(Harness.request(ids, confirm: confirm))
        }
        #expect(error?.code == .confirmationRequired)
        #expect(error?.details["phrase"] == .string("DELETE"))
        #expect(error?.details["count"]?.intValue == 12)
        #expect(await h.supervisor.list().isEmpty)
        let confirmed = try await h.supervisor.create(Harness.request(ids, confirm: "DELETE"))
        #expect(await h.drive(confirmed.id) == .succeeded)
    }

    @Test("requests the engine cannot run answer the API's code and create nothing")
    func refusals() async throws {
        let h = Harness(universe: itemIds("v", 5))
        let cases: [(JobRequest, JobError.Code, String?)] = [
            (Harness.request([]), .validationFailed, nil),
            (JobRequest(kind: "test.touch", selection: Selection(entity: "things", filter: ["prefix": "nothing"]),
                        createdBy: "t"), .validationFailed, nil),
            (Harness.request(["a"], kind: "no.such.kind"), .badRequest, "kind"),
            (JobRequest(kind: "test.touch", selection: Selection(entity: "things", ids: ["a"]),
                        params: ["invalid": true], createdBy: "t"), .validationFailed, "field"),
            (Harness.request(["a"], chunkSize: 0), .validationFailed, "field"),
            (Harness.request(["a"], chunkSize: 10_001), .validationFailed, "field"),
            (Harness.request(["a"], maxItemsPerSecond: 0), .validationFailed, "field"),
            (Harness.request(["a"], maxItemsPerSecond: -.infinity), .validationFailed, "field"),
        ]
        for (request, code, detail) in cases {
            let error = await expectJobError { _ = try await h.supervisor.create(request) }
            #expect(error?.code == code)
            if let detail { #expect(error?.details[detail] != nil, "\(code) carries details.\(detail)") }
        }
        let unknown = await expectJobError {
            _ = try await h.supervisor.create(Harness.request(["a"], kind: "no.such.kind"))
        }
        #expect(unknown?.details["kind"] == .string("no.such.kind"))
        let preview = await expectJobError { _ = try await h.supervisor.preview(Harness.request([])) }
        #expect(preview?.code == .validationFailed)
        #expect(await h.supervisor.list().isEmpty)
        #expect(await h.store.records.isEmpty)
        #expect(h.operation.calls.isEmpty)
    }

    @Test("a filter selection is frozen at create: exclusions apply and later data changes do not matter")
    func filterSelection() async throws {
        let h = Harness(universe: itemIds("f", 6) + itemIds("g", 3))
        let job = try await h.supervisor.create(JobRequest(
            kind: "test.touch", selection: Selection(entity: "things", filter: ["prefix": "f"], exclude: ["f-0002"]),
            createdBy: "t"))
        #expect(job.progress.total == 5)
        #expect(await h.drive(job.id) == .succeeded)
        #expect(h.operation.appliedItems(of: job.id) == ["f-0000", "f-0001", "f-0003", "f-0004", "f-0005"])
        #expect(try await h.store.itemIds(jobId: job.id) == h.operation.appliedItems(of: job.id))
    }

    @Test("retry-failed creates a job over exactly the failed items")
    func retryFailed() async throws {
        let h = Harness()
        let ids = itemIds("rf", 30)
        let failing = [ids[3], ids[17], ids[29]]
        for item in failing { h.operation.failItem(item, reason: "slot taken") }
        let job = try await h.create(ids, chunkSize: 7)
        #expect(await h.drive(job.id) == .completedWithErrors)
        let failed = try await h.supervisor.items(job.id, status: .failed)
        #expect(failed == failing.map { ItemOutcome.failed($0, "slot taken") })

        let retry = try await h.supervisor.retryFailed(job.id, createdBy: "second try")
        #expect(retry.retryOf == job.id)
        #expect(retry.progress.total == 3)
        #expect(retry.selection.ids == failing)
        #expect(retry.createdBy == "second try")
        #expect(retry.chunkSize == 7)
        #expect(try await h.store.itemIds(jobId: retry.id) == failing)
        // the same items fail again: the retry's own failures are listed, not the original's successes
        #expect(await h.drive(retry.id) == .completedWithErrors)
        #expect(h.operation.calls(of: retry.id).flatMap(\.itemIds) == failing)
        #expect(try await h.supervisor.items(retry.id, status: .failed).map(\.itemId) == failing)

        let clean = try await h.create(itemIds("ok", 3))
        #expect(await h.drive(clean.id) == .succeeded)
        let nothing = await expectJobError { _ = try await h.supervisor.retryFailed(clean.id, createdBy: "t") }
        #expect(nothing?.code == .validationFailed)
        let missing = await expectJobError { _ = try await h.supervisor.retryFailed("job_missing", createdBy: "t") }
        #expect(missing?.code == .notFound)
    }

    @Test("retry-failed of a running job answers invalid_transition with details.state")
    func retryFailedWhileRunning() async throws {
        let h = Harness()
        let ids = itemIds("rr", 10)
        let gate = h.operation.block(chunkContaining: ids[0])
        defer { gate.release() }
        let job = try await h.create(ids)
        #expect(await eventually { gate.hasEntered })
        let error = await expectJobError { _ = try await h.supervisor.retryFailed(job.id, createdBy: "t") }
        #expect(error?.code == .invalidTransition)
        #expect(error?.details["state"] == .string("running"))
    }

    @Test("approval: a job waits for a manager, runs once approved, and a rejected one never runs")
    func approval() async throws {
        let h = Harness()
        let approved = try await h.supervisor.create(Harness.request(itemIds("ap", 5), requiresApproval: true))
        let rejected = try await h.supervisor.create(Harness.request(itemIds("rj", 5), requiresApproval: true))
        #expect(approved.state == .awaitingApproval && rejected.state == .awaitingApproval)
        for _ in 0..<20 { await Task.yield() }
        #expect(h.operation.calls.isEmpty)
        // awaiting approval holds no items
        let other = try await h.create(itemIds("ap", 5))
        #expect(await h.drive(other.id) == .succeeded)

        _ = try await h.supervisor.approve(approved.id)
        #expect(await h.drive(approved.id) == .succeeded)
        #expect(try await h.supervisor.reject(rejected.id).state == .rejected)
        #expect(h.operation.calls(of: rejected.id).isEmpty)
        let history = try #require(await h.finishedHistory(rejected.id))
        #expect(history.map(\.kind) == [.created, .state, .finished])
    }

    @Test("a scheduled job waits for its time on the clock, then queues and runs")
    func schedule() async throws {
        let h = Harness()
        let at = h.clock.now.addingTimeInterval(3_600)
        let job = try await h.supervisor.create(Harness.request(itemIds("s", 5), scheduledFor: at))
        #expect(job.state == .scheduled)
        #expect(job.scheduledFor == at)
        #expect(await eventually { h.clock.nextDeadline == at })
        h.clock.advance(by: 3_599)
        for _ in 0..<50 { await Task.yield() }
        #expect(await h.state(job.id) == .scheduled)
        #expect(h.operation.calls.isEmpty)
        h.clock.advance(by: 1)
        #expect(await h.waitFor(job.id, .succeeded))
        let history = try #require(await h.finishedHistory(job.id))
        #expect(history.filter { $0.kind == .state }.map(\.job.state) == [.queued, .running, .succeeded])

        // a time already past queues at once
        let past = try await h.supervisor.create(Harness.request(itemIds("p", 2), scheduledFor: h.clock.now))
        #expect(past.state != .scheduled)
        #expect(await h.drive(past.id) == .succeeded)
    }

    @Test("preview runs nothing and reports items held by other jobs")
    func preview() async throws {
        let h = Harness()
        let ids = itemIds("pv", 20)
        let gate = h.operation.block(chunkContaining: ids[0])
        defer { gate.release() }
        let holder = try await h.create(Array(ids[0..<5]))
        #expect(await eventually { gate.hasEntered })
        let preview = try await h.supervisor.preview(Harness.request(ids))
        #expect(preview.total == 20)
        #expect(preview.sample.count == 10)
        #expect(preview.conflicts.map(\.itemId) == Array(ids[0..<5]))
        #expect(preview.conflicts.allSatisfy { $0.jobId == holder.id })
        #expect(await h.supervisor.list().count == 1)
        #expect(h.operation.calls.count == 1)
    }
}
