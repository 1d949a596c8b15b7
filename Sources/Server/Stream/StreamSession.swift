import Foundation
import Orchestrator
import Transport

/// One dashboard on `/v1/stream`: answers subscribe/unsubscribe (with `since` replay), sends a snapshot after each
/// subscribe, then the job events in seq order, coalescing each job's progress to at most `progressPerSecond`
/// per connection. A reader that stops reading is cut off with 1008 instead of slowing anyone down.
///
/// An idle connection keeps one task, which only waits for the connection to close: every task keeps the largest
/// stack its frames ever reached until it ends, and thousands of dashboards are held open mostly idle. The
/// publisher writes most events itself (`StreamDelivery`); a task pumps events only while some are queued, and
/// another reads commands only while some wait.
actor StreamSession {
    /// Limits of one stream connection.
    struct Configuration: Sendable {
        /// Progress events per job per second per connection.
        var progressPerSecond = 10
        /// Progress events one job may send back to back before the rate applies (absorbs a reporting job's jitter).
        var progressBurst = 2.0
        /// Outbound bytes above which the session stops pulling events (they collapse in the subscription).
        var highWaterBytes = 256 * 1024
        /// How long a connection may stay above the high-water mark before it is closed with 1008.
        var stalledTimeout: TimeInterval = 10
        /// Finished jobs included in a `"*"` snapshot.
        var recentFinishedInSnapshot = 50
    }

    private let connection: WebSocketConnection
    private let supervisor: JobSupervisor
    private let configuration: Configuration
    private let version: String
    private let subscription: EventSubscription
    private let delivery: StreamDelivery
    private var all = false
    private var jobIds = Set<String>()
    private var flushTask: Task<Void, Never>?
    /// Subscribes in progress (they are handled one at a time, so 0 or 1).
    private var subscribing = 0
    /// The pump stopped for a subscribe, which must start it again.
    private var pumpDeferred = false
    /// Starts `readCommands`; made once, so that waiting for a command allocates nothing per command.
    private var commandWake: (@Sendable () -> Void)?

    init(connection: WebSocketConnection, supervisor: JobSupervisor, version: String, frames: EventFrameCache,
         lane: EventLane? = nil, configuration: Configuration = .init()) {
        self.connection = connection
        self.supervisor = supervisor
        self.configuration = configuration
        self.version = version
        self.subscription = supervisor.broadcaster.subscribe(filter: .none, lane: lane)
        let delivery = StreamDelivery(connection: connection, frames: frames,
                                      progressPerSecond: configuration.progressPerSecond,
                                      progressBurst: configuration.progressBurst,
                                      highWaterBytes: configuration.highWaterBytes)
        self.delivery = delivery
        subscription.setDirectDelivery { delivery.offerDirect($0) }
    }

    func run() async {
        start()
        _ = await connection.closed()
        finish()
    }

    // why (@inline(never) here and on the other synchronous steps): code inlined into an async function can put its
    // temporaries in the frame the task allocates, and task memory is kept until the task ends
    @inline(never)
    private func start() {
        subscription.setWakeup { Task { await self.pumpEvents() } }
        commandWake = { [connection] in
            // why: the end of the connection wakes the reader too, and a closed connection has nothing to answer
            guard connection.closeInfo == nil else { return }
            Task { await self.readCommands() }
        }
        send(["type": "hello", "server": "bulkops", "version": .string(version)])
        if let message = nextCommand() { Task { await self.readCommands(first: message) } }
    }

    @inline(never)
    private func finish() {
        flushTask?.cancel()
        // why: the wake-up captures this session; the connection is gone, so nothing more is read
        commandWake = nil
        subscription.close()
    }

    /// The next waiting command; when there is none, the next one to arrive starts `readCommands`.
    private func nextCommand() -> WebSocketMessage? {
        guard let commandWake else { return nil }
        return connection.nextMessage(orWake: commandWake)
    }

    /// Handles the waiting commands one at a time and in order, then ends until the next one arrives. Commands left
    /// waiting fill the connection's inbound buffer, which then holds back a client that sends faster.
    private func readCommands(first: WebSocketMessage? = nil) async {
        var message = first ?? nextCommand()
        while let current = message {
            await handle(current)
            message = nextCommand()
        }
    }

    /// A client's message, understood.
    private enum Command {
        case subscribe([String], since: [String: Int])
        case unsubscribe([String])
        case invalid(String)
    }

    @inline(never)
    private static func command(from message: WebSocketMessage) -> Command {
        guard case .text(let text) = message else {
            return .invalid("binary messages are not understood; send JSON text")
        }
        guard let value = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)),
              let object = value.objectValue, let op = object["op"]?.stringValue else {
            return .invalid("expected {\"op\":\"subscribe\"|\"unsubscribe\",\"jobs\":[…]}")
        }
        let ids = object["jobs"]?.arrayValue?.compactMap(\.stringValue) ?? []
        switch op {
        case "subscribe":
            guard !ids.isEmpty else { return .invalid("subscribe needs \"jobs\": [\"*\"] or a list of job ids") }
            var since: [String: Int] = [:]
            for (id, seq) in object["since"]?.objectValue ?? [:] { if let seq = seq.intValue { since[id] = seq } }
            return .subscribe(ids, since: since)
        case "unsubscribe":
            return .unsubscribe(ids)
        default:
            return .invalid("unknown op \"\(op)\"")
        }
    }

    private func handle(_ message: WebSocketMessage) async {
        switch Self.command(from: message) {
        case .subscribe(let ids, let since): await subscribe(ids, since: since)
        case .unsubscribe(let ids): unsubscribe(ids)
        case .invalid(let reason): sendError(reason)
        }
    }

    @inline(never)
    private func unsubscribe(_ ids: [String]) {
        if ids.contains("*") {
            all = false
            jobIds.removeAll()
        } else {
            jobIds.subtract(ids)
        }
        updateFilter()
    }

    private func updateFilter() {
        subscription.setFilter(all ? .all : (jobIds.isEmpty ? .none : .jobs(jobIds)))
    }

    @inline(never)
    private func subscribe(_ ids: [String], since: [String: Int]) async {
        subscribing += 1
        delivery.setDirect(false)
        defer {
            delivery.setDirect(true)
            subscribing -= 1
            if subscribing == 0, pumpDeferred {
                pumpDeferred = false
                Task { await self.pumpEvents() }
            }
        }
        let everything = startSubscription(ids)
        let snapshot: [JobSnapshot]
        if everything {
            snapshot = Self.snapshot(of: await supervisor.list(), finished: configuration.recentFinishedInSnapshot)
        } else {
            snapshot = await jobs(ids)
        }
        finishSubscription(snapshot: snapshot, since: since)
    }

    // why: on its own, the job this loop awaits takes frame space only when ids are asked for, not on every command
    @inline(never)
    private func jobs(_ ids: [String]) async -> [JobSnapshot] {
        var found: [JobSnapshot] = []
        for id in ids { if let job = await supervisor.job(id) { found.append(job) } }
        return found
    }

    /// Widens the filter; true for `"*"`.
    @inline(never)
    private func startSubscription(_ ids: [String]) -> Bool {
        let everything = ids.contains("*")
        if everything { all = true } else { jobIds.formUnion(ids) }
        // why: subscribe first, so nothing made while the snapshot is built is lost; duplicates are dropped by seq
        updateFilter()
        return everything
    }

    /// A `"*"` snapshot: every active job and the most recent finished ones.
    @inline(never)
    private static func snapshot(of jobs: [JobSnapshot], finished limit: Int) -> [JobSnapshot] {
        let active = jobs.filter { !$0.state.isTerminal }
        let finished = jobs.filter { $0.state.isTerminal }.prefix(limit)
        return active + finished
    }

    /// Sends the snapshot, leaving out the jobs whose missed events can be replayed, then those events.
    @inline(never)
    private func finishSubscription(snapshot jobs: [JobSnapshot], since: [String: Int]) {
        var snapshot = jobs
        var replays: [JobUpdate] = []
        for (id, seq) in since {
            if let events = supervisor.broadcaster.replay(jobId: id, after: seq) {
                replays += events
                snapshot.removeAll { $0.id == id }
            }
        }
        sendSnapshot(snapshot)
        for job in snapshot { delivery.noteSnapshot(jobId: job.id, seq: job.seq) }
        for event in replays { deliver(event) }
    }

    private func sendSnapshot(_ jobs: [JobSnapshot]) {
        struct Snapshot: Encodable { var type = "snapshot"; var jobs: [JobSnapshot] }
        sendBytes(APIJSON.encode(Snapshot(jobs: jobs)))
    }

    /// Started by the subscription when events are queued (held progress, an exhausted allowance, a backed-up
    /// client, a subscribe in progress); ends once none are left, and the next queued event starts it again.
    private func pumpEvents() async {
        while true {
            // why: this actor runs the pump while a subscribe awaits its snapshot; events queued meanwhile must
            // follow the snapshot, so the subscribe starts the pump again when it is done
            if subscribing > 0 {
                pumpDeferred = true
                return
            }
            guard let update = subscription.poll() else {
                if subscription.overflowed {
                    log("closing a stream client whose event buffer overflowed (1008)")
                    _ = await connection.close(code: .policyViolation, reason: "client too slow")
                }
                return
            }
            deliver(update)
            subscription.finishedEvent()
            guard await waitWhileBackedUp() else { return }
        }
    }

    /// While the client has more unsent data than the high-water mark, new events collapse in the subscription
    /// (the direct path refuses them too). False when the client stayed backed up too long and was closed.
    private func waitWhileBackedUp() async -> Bool {
        var stalledSince: Date?
        while connection.bufferedOutboundBytes > configuration.highWaterBytes {
            let now = Date()
            let since = stalledSince ?? now
            stalledSince = since
            if now.timeIntervalSince(since) > configuration.stalledTimeout {
                log("closing a stream client that stopped reading (1008): \(connection.bufferedOutboundBytes) "
                    + "bytes waiting for more than \(configuration.stalledTimeout) s")
                _ = await connection.close(code: .policyViolation, reason: "client too slow")
                return false
            }
            // why: the transport offers no writability wake-up; this short wait costs latency for this client only
            try? await Task.sleep(nanoseconds: 20_000_000)
        }
        return true
    }

    private func deliver(_ update: JobUpdate) {
        if let wait = delivery.deliver(update) { scheduleFlush(after: wait) }
    }

    private func scheduleFlush(after delay: TimeInterval) {
        guard flushTask == nil else { return }
        flushTask = Task {
            try? await Task.sleep(nanoseconds: UInt64(max(0.001, delay) * 1_000_000_000))
            self.flushHeld()
        }
    }

    private func flushHeld() {
        flushTask = nil
        if let wait = delivery.flushHeld() { scheduleFlush(after: wait) }
    }

    private func log(_ line: String) {
        FileHandle.standardError.write(Data(("bulkops: " + line + "\n").utf8))
    }

    private func send(_ value: JSONValue) { sendBytes(APIJSON.encode(value)) }

    private func sendError(_ message: String) {
        send(["type": "error", "message": .string(message)])
    }

    private func sendBytes(_ bytes: [UInt8]) {
        delivery.sendText(String(decoding: bytes, as: UTF8.self))
    }
}
