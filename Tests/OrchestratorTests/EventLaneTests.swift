import Foundation
import Orchestrator
import Synchronization
import Testing

/// A lane whose executor only records: queued work runs when the test says so, and wake-ups are counted.
private final class ManualLane: Sendable {
    private struct State {
        var queued: [@Sendable () -> Void] = []
        var wakes = 0
    }

    private final class Record: Sendable {
        let state = Mutex(State())
    }

    private let record: Record
    let lane: EventLane

    init() {
        let record = Record()
        self.record = record
        lane = EventLane(submit: { work in record.state.withLock { $0.queued.append(work) } },
                         wake: { record.state.withLock { $0.wakes += 1 } })
    }

    var queuedCount: Int { record.state.withLock { $0.queued.count } }
    var wakes: Int { record.state.withLock { $0.wakes } }

    /// Runs what is queued, in order.
    func runQueued() {
        let work = record.state.withLock { state in
            defer { state.queued = [] }
            return state.queued
        }
        for item in work { item() }
    }
}

private func progress(_ jobId: String, _ seq: Int) throws -> JobUpdate {
    let json = """
    {"id":"\(jobId)","kind":"test.touch","state":"running","selection":{"entity":"things"},"params":{},
     "createdBy":"t","createdAt":0,"chunkSize":10,"seq":\(seq),
     "progress":{"total":10,"processed":\(seq),"succeeded":\(seq),"failed":0,"skipped":0,"percent":0,"itemsPerSecond":0}}
    """
    let snapshot = try JSONDecoder().decode(JobSnapshot.self, from: Data(json.utf8))
    return JobUpdate(kind: .state, at: Date(timeIntervalSince1970: 0), job: snapshot)
}

@Suite("Event lanes: one batch per lane and event, lanes started together, order kept")
struct EventLaneTests {
    @Test("every lane's batch is queued before any lane is woken, and the first lane to run wakes the others")
    func lanesAreQueuedThenWokenTogether() throws {
        let events = EventBroadcaster()
        let first = ManualLane(), second = ManualLane()
        let a = events.subscribe(lane: first.lane)
        let b = events.subscribe(lane: second.lane)
        let direct = events.subscribe()
        defer { a.close(); b.close(); direct.close() }

        events.publish(try progress("j", 1))
        #expect(direct.drain().map(\.seq) == [1], "a subscriber without a lane is offered on the publisher's thread")
        #expect(first.queuedCount == 1 && second.queuedCount == 1, "one batch per lane")
        #expect(a.pendingCount == 0 && b.pendingCount == 0, "nothing is offered before the lanes run")
        #expect(first.wakes + second.wakes == 1, "only one lane is woken by the publisher")

        let (woken, other) = first.wakes == 1 ? (first, second) : (second, first)
        woken.runQueued()
        #expect(other.wakes == 1, "the first lane to run wakes the rest before its own work")
        other.runQueued()
        #expect(a.drain().map(\.seq) == [1])
        #expect(b.drain().map(\.seq) == [1])
    }

    @Test("a lane's subscribers get its batches in publish order; closing one leaves the lane's others")
    func orderWithinALane() throws {
        let events = EventBroadcaster()
        let lane = ManualLane()
        let one = events.subscribe(lane: lane.lane)
        let two = events.subscribe(lane: lane.lane)
        #expect(events.subscriberCount == 2)
        for seq in 1...5 { events.publish(try progress("j", seq)) }
        #expect(lane.queuedCount == 5)
        lane.runQueued()
        #expect(one.drain().map(\.seq) == [1, 2, 3, 4, 5])
        #expect(two.drain().map(\.seq) == [1, 2, 3, 4, 5])

        one.close()
        #expect(events.subscriberCount == 1)
        events.publish(try progress("j", 6))
        lane.runQueued()
        #expect(two.drain().map(\.seq) == [6])
        #expect(one.drain().isEmpty)
        two.close()
        #expect(events.subscriberCount == 0)
        events.publish(try progress("j", 7))
        #expect(lane.queuedCount == 0, "a lane without subscribers gets no batch")
    }

    @Test("the preparation step runs once per event, before any lane, and only while someone listens")
    func preparationRunsOncePerEvent() throws {
        let events = EventBroadcaster()
        let prepared = Mutex<[Int]>([])
        events.setPreparation { update in prepared.withLock { $0.append(update.seq) } }
        events.publish(try progress("j", 1))
        #expect(prepared.withLock { $0 }.isEmpty, "no subscriber, nothing to prepare")
        let lanes = [ManualLane(), ManualLane()]
        let subscriptions = lanes.map { events.subscribe(lane: $0.lane) }
        defer { subscriptions.forEach { $0.close() } }
        events.publish(try progress("j", 2))
        #expect(prepared.withLock { $0 } == [2])
        #expect(lanes.allSatisfy { $0.queuedCount == 1 })
    }
}
