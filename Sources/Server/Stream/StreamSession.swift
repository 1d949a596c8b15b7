import Foundation
import Orchestrator
import Transport

/// One dashboard on `/v1/stream`: answers subscribe/unsubscribe (with `since` replay), sends a snapshot after each
/// subscribe, then the job events in seq order, coalescing each job's progress to at most `progressPerSecond`
/// per connection. A reader that stops reading is cut off with 1008 instead of slowing anyone down.
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
        send(["type": "hello", "server": "bulkops", "version": .string(version)])
        let reader = Task { await self.readCommands() }
        await pumpEvents()
        reader.cancel()
        flushTask?.cancel()
        subscription.close()
    }

    private func readCommands() async {
        for await message in connection.messages {
            guard case .text(let text) = message else {
                sendError("binary messages are not understood; send JSON text")
                continue
            }
            await handle(text)
        }
        subscription.close()
    }

    private func handle(_ text: String) async {
        guard let value = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)), let object = value.objectValue,
              let op = object["op"]?.stringValue else {
            sendError("expected {\"op\":\"subscribe\"|\"unsubscribe\",\"jobs\":[…]}")
            return
        }
        let ids = object["jobs"]?.arrayValue?.compactMap(\.stringValue) ?? []
        switch op {
        case "subscribe":
            guard !ids.isEmpty else {
                sendError("subscribe needs \"jobs\": [\"*\"] or a list of job ids")
                return
            }
            var since: [String: Int] = [:]
            for (id, seq) in object["since"]?.objectValue ?? [:] { if let seq = seq.intValue { since[id] = seq } }
            await subscribe(ids, since: since)
        case "unsubscribe":
            if ids.contains("*") {
                all = false
                jobIds.removeAll()
            } else {
                jobIds.subtract(ids)
            }
            updateFilter()
        default:
            sendError("unknown op \"\(op)\"")
        }
    }

    private func updateFilter() {
        subscription.setFilter(all ? .all : (jobIds.isEmpty ? .none : .jobs(jobIds)))
    }

    private func subscribe(_ ids: [String], since: [String: Int]) async {
        delivery.setDirect(false)
        defer { delivery.setDirect(true) }
        if ids.contains("*") { all = true } else { jobIds.formUnion(ids) }
        // why: subscribe first, so nothing made while the snapshot is built is lost; duplicates are dropped by seq
        updateFilter()
        var snapshot: [JobSnapshot]
        if ids.contains("*") {
            let jobs = await supervisor.list()
            let active = jobs.filter { !$0.state.isTerminal }
            let finished = jobs.filter { $0.state.isTerminal }.prefix(configuration.recentFinishedInSnapshot)
            snapshot = active + finished
        } else {
            var found: [JobSnapshot] = []
            for id in ids { if let job = await supervisor.job(id) { found.append(job) } }
            snapshot = found
        }
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

    private func pumpEvents() async {
        while true {
            guard let update = await subscription.next() else {
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
