import Foundation
import Orchestrator
import Testing

@Suite("Item conflicts, the FIFO queue and the concurrency limit")
struct ConflictTests {
    @Test("an overlapping job is refused with the holders, up to 100 item ids and the count; nothing is created")
    func refusedWithDetails() async throws {
        let h = Harness()
        let items = itemIds("i", 300)
        let gateA = h.operation.block(chunkContaining: items[0])
        let gateB = h.operation.block(chunkContaining: items[250])
        defer { gateA.release(); gateB.release() }
        let a = try await h.create(Array(items[0..<200]))
        let b = try await h.create(Array(items[250..<300]))
        #expect(await eventually { gateA.hasEntered && gateB.hasEntered })
        let subscription = h.supervisor.broadcaster.subscribe()
        defer { subscription.close() }

        // overlaps a on 150 items (50..<200) and b on 10 (250..<260)
        let wanted = Array(items[50..<260])
        let error = await expectJobError { _ = try await h.create(wanted) }
        #expect(error?.code == .conflict)
        #expect(error?.details["jobs"] == .array([.string(a.id), .string(b.id)]))
        let listed = error?.details["items"]?.arrayValue?.compactMap(\.stringValue) ?? []
        #expect(listed == Array(items[50..<150]), "the first 100 overlapping ids")
        #expect(error?.details["count"]?.intValue == 160)
        #expect(await h.supervisor.list().count == 2, "the refused job does not exist")
        // why: a's and b's own state events may still be on their way (they follow their durable write)
        #expect(subscription.drain().filter { $0.jobId != a.id && $0.jobId != b.id }.isEmpty, "and made no event")
        let stored = await h.store.records.count
        #expect(stored == 2)

        // a selection without overlap is admitted while both run
        let free = try await h.create(Array(items[200..<250]))
        #expect(await h.drive(free.id) == .succeeded)
    }

    @Test("queueOnConflict waits in queued and starts when the holder finishes")
    func queueOnConflict() async throws {
        let h = Harness()
        let items = itemIds("q", 40)
        let gate = h.operation.block(chunkContaining: items[0])
        let a = try await h.create(items, chunkSize: 10)
        #expect(await eventually { gate.hasEntered })
        let b = try await h.create(Array(items[30..<40]) + itemIds("extra", 5), queueOnConflict: true)
        #expect(b.state == .queued)
        for _ in 0..<20 { await Task.yield() }
        #expect(await h.state(b.id) == .queued)
        #expect(h.operation.calls(of: b.id).isEmpty, "b does not touch items a holds")

        gate.release()
        #expect(await h.drive(a.id) == .succeeded)
        #expect(await h.drive(b.id) == .succeeded)
        let calls = h.operation.calls
        let lastOfA = try #require(calls.lastIndex { $0.jobId == a.id })
        let firstOfB = try #require(calls.firstIndex { $0.jobId == b.id })
        #expect(lastOfA < firstOfB)
    }

    @Test("three overlapping queued jobs start in creation order, one at a time")
    func fifo() async throws {
        let h = Harness(maxConcurrentJobs: 8)
        let items = itemIds("f", 20)
        let gateA = h.operation.block(chunkContaining: items[0])
        let a = try await h.create(items)
        #expect(await eventually { gateA.hasEntered })
        // each overlaps a; b and d overlap on items c does not have, c overlaps only part
        let b = try await h.create(Array(items[0..<10]), queueOnConflict: true)
        let c = try await h.create(Array(items[5..<20]), queueOnConflict: true)
        let d = try await h.create(Array(items[15..<20]), queueOnConflict: true)
        for job in [b, c, d] { #expect(job.state == .queued) }

        let gateB = h.operation.block(chunkContaining: items[0])
        gateA.release()
        #expect(await eventually { gateB.hasEntered })
        // d's items (15..<20) are free of b, but c waits for them first: d must not overtake c
        for _ in 0..<20 { await Task.yield() }
        #expect(await h.state(c.id) == .queued)
        #expect(await h.state(d.id) == .queued)
        gateB.release()
        for job in [a, b, c, d] { #expect(await h.drive(job.id) == .succeeded) }
        let order = h.operation.calls.map(\.jobId)
        #expect(order == [a.id, b.id, c.id, d.id])
    }

    @Test("a waiting job counts as a holder: a later overlapping job is refused naming it, or queues behind it")
    func waitersHoldTheirPlace() async throws {
        let h = Harness()
        let x = itemIds("x", 5), y = itemIds("y", 5)
        let gate = h.operation.block(chunkContaining: x[0])
        let a = try await h.create(x)
        #expect(await eventually { gate.hasEntered })
        let b = try await h.create(x + y, queueOnConflict: true)
        let error = await expectJobError { _ = try await h.create(y) }
        #expect(error?.code == .conflict)
        #expect(error?.details["jobs"] == .array([.string(b.id)]))
        #expect(error?.details["count"]?.intValue == 5)
        let c = try await h.create(y, queueOnConflict: true)
        gate.release()
        for job in [a, b, c] { #expect(await h.drive(job.id) == .succeeded) }
        #expect(h.operation.calls.map(\.jobId) == [a.id, b.id, c.id])
    }

    @Test("a later job over other items is not blocked by a waiting one")
    func nonOverlappingNotBlocked() async throws {
        let h = Harness()
        let items = itemIds("n", 10)
        let gate = h.operation.block(chunkContaining: items[0])
        defer { gate.release() }
        let a = try await h.create(items)
        #expect(await eventually { gate.hasEntered })
        let b = try await h.create(items, queueOnConflict: true)
        let c = try await h.create(itemIds("other", 10))
        #expect(await h.drive(c.id) == .succeeded)
        #expect(await h.state(a.id) == .running)
        #expect(await h.state(b.id) == .queued)
    }

    @Test("maxConcurrentJobs is respected; a freed slot goes to the oldest queued job", arguments: [1, 2])
    func concurrencyLimit(limit: Int) async throws {
        let h = Harness(maxConcurrentJobs: limit)
        let prefixes = ["j0", "j1", "j2", "j3"]
        let items = prefixes.map { itemIds($0, 5) }
        let gates = items.map { h.operation.block(chunkContaining: $0[0]) }
        defer { gates.forEach { $0.release() } }
        var jobs: [JobSnapshot] = []
        for ids in items { jobs.append(try await h.create(ids)) }
        #expect(await eventually { gates.prefix(limit).allSatisfy(\.hasEntered) })
        for _ in 0..<20 { await Task.yield() }
        #expect(gates.filter(\.hasEntered).count == limit)
        #expect(await h.supervisor.list(states: [.running]).count == limit)
        #expect(await h.supervisor.list(states: [.queued]).count == 4 - limit)

        gates[0].release()
        #expect(await h.waitFor(jobs[0].id, .succeeded))
        #expect(await eventually { gates[limit].hasEntered }, "the oldest queued job took the slot")
        for _ in 0..<20 { await Task.yield() }
        #expect(gates.filter(\.hasEntered).count == limit + 1)
        #expect(await h.supervisor.list(states: [.running]).count == limit)
        gates.forEach { $0.release() }
        for job in jobs { #expect(await h.drive(job.id) == .succeeded) }
    }
}
