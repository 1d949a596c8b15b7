import Foundation
import Orchestrator
import Synchronization
import Testing

/// A made-up snapshot, built once through the snapshot's public Codable form.
private let template: JobSnapshot = {
    let json = """
    {"id":"job_t","kind":"test.touch","state":"running","selection":{"entity":"things"},"params":{},
     "createdBy":"t","createdAt":0,"chunkSize":10,"seq":1,
     "progress":{"total":1000,"processed":0,"succeeded":0,"failed":0,"skipped":0,"percent":0,"itemsPerSecond":0}}
    """
    return try! JSONDecoder().decode(JobSnapshot.self, from: Data(json.utf8))
}()

/// A job update of `jobId` with `seq`.
private func update(_ jobId: String, _ seq: Int, _ kind: JobUpdate.Kind, state: JobState = .running,
                    processed: Int = 0) throws -> JobUpdate {
    var snapshot = template
    snapshot.id = jobId
    snapshot.seq = seq
    snapshot.state = state
    snapshot.progress = JobProgress(total: 1000, processed: processed, succeeded: processed)
    return JobUpdate(kind: kind, at: Date(timeIntervalSince1970: 0), job: snapshot)
}

private func broadcaster(maxPending: Int = 50_000, historyPerJob: Int = 1_000) -> EventBroadcaster {
    var configuration = EventBroadcaster.Configuration()
    configuration.maxPendingPerSubscriber = maxPending
    configuration.historyPerJob = historyPerJob
    return EventBroadcaster(configuration: configuration)
}

@Suite("Job events: order, coalescing, overflow and replay")
struct EventTests {
    @Test("a job's events arrive created, state, progress…, state, finished with seq +1 each")
    func lifecycleOnSubscription() async throws {
        let h = Harness()
        let subscription = h.supervisor.broadcaster.subscribe()
        defer { subscription.close() }
        var received: [JobUpdate] = []
        func receive(through seq: Int) async -> Bool {
            await eventually {
                received += subscription.drain()
                return received.last.map { $0.seq >= seq } ?? false
            }
        }
        // the throttle makes the runner wait on the manual clock after every chunk (4/s → chunks of 1)
        let job = try await h.create(itemIds("ev", 3), maxItemsPerSecond: 4)
        #expect(await receive(through: 3))
        #expect(await eventually { h.clock.sleeperCount > 0 })
        h.clock.advance(by: 0.25)
        #expect(await receive(through: 4))
        #expect(await eventually { h.clock.sleeperCount > 0 })
        h.clock.advance(by: 0.25)
        #expect(await receive(through: 7))
        for _ in 0..<20 { await Task.yield() }
        received += subscription.drain()

        #expect(received.allSatisfy { $0.jobId == job.id })
        #expect(received.map(\.seq) == Array(1...7))
        #expect(received.map(\.kind) == [.created, .state, .progress, .progress, .progress, .state, .finished])
        #expect(received.map(\.job.state) == [.queued, .running, .running, .running, .running, .succeeded, .succeeded])
        #expect(received.filter { $0.kind == .progress }.map(\.job.progress.processed) == [1, 2, 3])
        #expect(received.filter { $0.kind == .finished }.count == 1)
        #expect(await h.supervisor.job(job.id)?.seq == 7, "the job object carries the seq of its newest event")
        #expect(subscription.pendingCount == 0)
    }

    @Test("with several jobs running at once every state change arrives, in seq order, and finished once each")
    func concurrentJobsNeverDropStates() async throws {
        let h = Harness(maxConcurrentJobs: 2)
        let subscription = h.supervisor.broadcaster.subscribe()
        defer { subscription.close() }
        // why: the two running jobs wait in their first chunk, so the fourth is surely still queued when cancelled
        let gates = (0..<2).map { h.operation.block(chunkContaining: itemIds("cj\($0)", 40)[0]) }
        defer { for gate in gates { gate.release() } }
        var jobs: [JobSnapshot] = []
        for index in 0..<4 { jobs.append(try await h.create(itemIds("cj\(index)", 40), chunkSize: 5)) }
        #expect(await h.state(jobs[3].id) == .queued)
        _ = try await h.supervisor.cancel(jobs[3].id)
        for gate in gates { gate.release() }
        for job in jobs.prefix(3) { #expect(await h.drive(job.id) == .succeeded) }
        var received: [JobUpdate] = []
        let complete = await eventually {
            received += subscription.drain()
            return received.filter { $0.kind == .finished }.count == 4
        }
        #expect(complete)
        for job in jobs {
            let mine = received.filter { $0.jobId == job.id }
            #expect(zip(mine, mine.dropFirst()).allSatisfy { $0.seq < $1.seq }, "seq order")
            let history = try #require(await h.finishedHistory(job.id))
            #expect(history.map(\.seq) == Array(1...history.count), "the history has no hole")
            let stateChanges = history.filter { $0.kind != .progress }
            #expect(mine.filter { $0.kind != .progress } == stateChanges, "no state change dropped")
            #expect(mine.filter { $0.kind == .finished }.count == 1)
            #expect(mine.last?.kind == .finished)
        }
        #expect(received.first { $0.jobId == jobs[3].id && $0.kind == .finished }?.job.state == .cancelled)
    }

    @Test("an unread subscription keeps only the newest progress of each job and every state event")
    func coalescing() throws {
        let events = broadcaster(maxPending: 10)
        let subscription = events.subscribe()
        var seqA = 0, seqB = 0
        func nextA() -> Int { seqA += 1; return seqA }
        func nextB() -> Int { seqB += 1; return seqB }
        var statesA: [Int] = []
        events.publish(try update("a", nextA(), .created, state: .queued))
        statesA.append(seqA)
        for round in 0..<50 {
            for _ in 0..<20 {
                events.publish(try update("a", nextA(), .progress, processed: seqA))
                events.publish(try update("b", nextB(), .progress, processed: seqB))
            }
            if round % 10 == 9 {
                events.publish(try update("a", nextA(), .state, state: round == 49 ? .succeeded : .pausing))
                statesA.append(seqA)
            }
        }
        events.publish(try update("a", nextA(), .finished, state: .succeeded))
        statesA.append(seqA)
        #expect(subscription.overflowed == false, "collapsed progress does not count against the limit")
        // a: created, 5 state changes, finished and its newest progress; b: its newest progress
        #expect(subscription.pendingCount == 9)

        let drained = subscription.drain()
        let ofA = drained.filter { $0.jobId == "a" }
        let ofB = drained.filter { $0.jobId == "b" }
        #expect(ofA.filter { $0.kind != .progress }.map(\.seq) == statesA, "every state event kept, in order")
        #expect(ofA.map(\.seq) == ofA.map(\.seq).sorted(), "one job's events stay in seq order")
        #expect(ofA.filter { $0.kind == .progress }.map(\.seq) == [seqA - 2],
                "the newest, before the last state change")
        #expect(ofB.map(\.seq) == [seqB], "only the newest progress of b")
        #expect(ofB.first?.job.progress.processed == seqB)
        #expect(drained.count == 9)
        #expect(subscription.pendingCount == 0)
    }

    @Test("a progress event overtaken by a state event is superseded by the next progress, which goes to the end")
    func progressMovesBehindState() throws {
        let events = broadcaster()
        let subscription = events.subscribe()
        events.publish(try update("a", 1, .state))
        events.publish(try update("a", 2, .progress))
        events.publish(try update("a", 3, .progress))
        events.publish(try update("a", 4, .state, state: .pausing))
        events.publish(try update("a", 5, .progress))
        events.publish(try update("a", 6, .progress))
        #expect(subscription.drain().map(\.seq) == [1, 4, 6])
    }

    @Test("a subscriber that stops reading is ended with overflowed == true past maxPendingPerSubscriber")
    func overflow() async throws {
        let events = broadcaster(maxPending: 5)
        let subscription = events.subscribe()
        for seq in 1...5 { events.publish(try update("a", seq, .state)) }
        #expect(subscription.overflowed == false)
        #expect(subscription.pendingCount == 5)
        events.publish(try update("a", 6, .state))
        #expect(subscription.overflowed == true)
        #expect(await subscription.next() == nil)
        var iterated = 0
        for await _ in subscription { iterated += 1 }
        #expect(iterated == 0, "the sequence has ended")
        // other subscribers are not affected
        let healthy = events.subscribe()
        events.publish(try update("a", 7, .state))
        #expect(healthy.drain().map(\.seq) == [7])
        #expect(subscription.overflowed)
    }

    @Test("a waiting reader is woken by the next event; close ends a pending next with nil")
    func waitingReader() async throws {
        let events = broadcaster()
        let subscription = events.subscribe(filter: .jobs(["a"]))
        let reader = Task { await subscription.next() }
        // let the reader park (if it has not yet, the event is buffered and read the same way)
        for _ in 0..<20 { await Task.yield() }
        events.publish(try update("other", 1, .state))
        events.publish(try update("a", 1, .state))
        #expect(await reader.value?.jobId == "a")
        #expect(subscription.pendingCount == 0)

        let second = Task { await subscription.next() }
        for _ in 0..<20 { await Task.yield() }
        #expect(events.subscriberCount == 1)
        subscription.close()
        #expect(await second.value == nil)
        #expect(events.subscriberCount == 0)
        events.publish(try update("a", 2, .state))
        #expect(subscription.drain().isEmpty)
    }

    @Test("a wake-up reader is woken once per idle spell, takes events with poll, and learns of an overflow")
    func wakeupReader() throws {
        let events = broadcaster(maxPending: 3)
        let subscription = events.subscribe(filter: .jobs(["a"]))
        let wakes = Mutex(0)
        subscription.setWakeup { wakes.withLock { $0 += 1 } }
        #expect(wakes.withLock { $0 } == 0, "nothing queued, nothing to wake for")
        events.publish(try update("other", 1, .state))
        events.publish(try update("a", 1, .state))
        events.publish(try update("a", 2, .state))
        #expect(wakes.withLock { $0 } == 1, "woken once, not per event, until it reads")
        #expect(subscription.poll()?.seq == 1)
        subscription.finishedEvent()
        #expect(subscription.poll()?.seq == 2)
        subscription.finishedEvent()
        #expect(subscription.poll() == nil)
        events.publish(try update("a", 3, .state))
        #expect(wakes.withLock { $0 } == 2, "idle again after nil")

        // events the publisher's direct path refuses are queued and wake the reader as well
        let direct = events.subscribe(filter: .all)
        direct.setDirectDelivery { $0.seq % 2 == 0 }
        let directWakes = Mutex(0)
        direct.setWakeup { directWakes.withLock { $0 += 1 } }
        events.publish(try update("b", 2, .state))
        #expect(directWakes.withLock { $0 } == 0 && direct.pendingCount == 0, "sent directly")
        events.publish(try update("b", 3, .state))
        #expect(directWakes.withLock { $0 } == 1 && direct.pendingCount == 1, "refused, queued, woken")

        // a woken reader that does not come is cut off; poll then gives nil and `overflowed` says why
        for seq in 4...6 { events.publish(try update("a", seq, .state)) }
        #expect(subscription.overflowed)
        #expect(wakes.withLock { $0 } == 2, "already woken")
        #expect(subscription.poll() == nil)
        let late = events.subscribe()
        for seq in 1...3 { events.publish(try update("c", seq, .state)) }
        let lateWakes = Mutex(0)
        late.setWakeup { lateWakes.withLock { $0 += 1 } }
        #expect(lateWakes.withLock { $0 } == 1, "set after events were queued: woken at once")
        #expect(late.poll()?.seq == 1)
        subscription.close()
        direct.close()
        late.close()
    }

    @Test("replay(jobId:after:) returns the missed events, or nil once the history no longer reaches back")
    func replay() throws {
        let events = broadcaster(historyPerJob: 10)
        for seq in 1...25 { events.publish(try update("a", seq, seq == 1 ? .created : .progress)) }
        #expect(events.replay(jobId: "a", after: 20)?.map(\.seq) == [21, 22, 23, 24, 25])
        #expect(events.replay(jobId: "a", after: 15)?.map(\.seq) == Array(16...25))
        #expect(events.replay(jobId: "a", after: 25)?.isEmpty == true)
        #expect(events.replay(jobId: "a", after: 14) == nil, "seq 15 is gone")
        #expect(events.replay(jobId: "a", after: 0) == nil)
        #expect(events.replay(jobId: "unknown", after: 0) == nil)

        let fresh = broadcaster()
        for seq in 1...3 { fresh.publish(try update("b", seq, .state)) }
        #expect(fresh.replay(jobId: "b", after: 0)?.map(\.seq) == [1, 2, 3])
        #expect(fresh.replay(jobId: "b", after: 1)?.map(\.seq) == [2, 3])
    }

    @Test("the supervisor's history keeps 1,000 events per job by default for since-replay")
    func defaultHistory() throws {
        let events = EventBroadcaster()
        #expect(events.configuration.historyPerJob >= 1_000)
        for seq in 1...2_500 { events.publish(try update("a", seq, .progress)) }
        let replayed = try #require(events.replay(jobId: "a", after: 1_500))
        #expect(replayed.map(\.seq) == Array(1_501...2_500))
    }

    @Test("the subscription buffer matches a simple model over many publishes and reads (with compaction)",
          arguments: [1, 2, 3])
    func bufferMatchesModel(seed: UInt64) async throws {
        var random = SplitMix(seed: seed)
        let events = broadcaster(maxPending: 100_000)
        let subscription = events.subscribe()
        var model: [JobUpdate] = []
        var seqs: [String: Int] = [:]
        var read = 0
        for _ in 0..<6_000 {
            if random.next() % 2 == 0, !model.isEmpty {
                let expected = model.removeFirst()
                let actual = await subscription.next()
                if actual != expected {
                    let got = actual.map { "\($0.seq) of \($0.jobId)" } ?? "nil"
                    Issue.record(Comment(rawValue: "read \(got), expected \(expected.seq) of \(expected.jobId)"))
                    return
                }
                read += 1
                continue
            }
            let job = ["a", "b", "c"][Int(random.next() % 3)]
            let seq = seqs[job, default: 0] + 1
            seqs[job] = seq
            let kind: JobUpdate.Kind = random.next() % 4 == 0 ? .state : .progress
            let event = try update(job, seq, kind)
            if kind == .progress { model.removeAll { $0.jobId == job && $0.kind == .progress } }
            model.append(event)
            events.publish(event)
            if subscription.pendingCount != model.count {
                Issue.record(Comment(rawValue: "\(subscription.pendingCount) pending, the model has \(model.count)"))
                return
            }
        }
        #expect(subscription.drain() == model)
        #expect(read > 1_024, "enough reads to compact the buffer")
    }
}

/// A small seeded generator so the model test is the same on every run.
private struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
