import Foundation

/// Owns every job: admits new jobs (validation, selection, limits, confirmation, item conflicts), keeps the FIFO
/// queue, starts a `JobRunner` per running job up to the concurrency limit, restarts crashed runners from their
/// checkpoint, and publishes every job event in seq order.
public actor JobSupervisor {
    /// Engine limits and defaults.
    public struct Configuration: Sendable {
        /// Jobs running at once; the rest wait in `queued`.
        public var maxConcurrentJobs: Int = 4
        /// Items per chunk when the request names none.
        public var defaultChunkSize: Int = 500
        /// Largest chunk a request may ask for.
        public var maxChunkSize: Int = 10_000
        public var retry = RetryPolicy()
        public init() {}
    }

    enum Lifecycle { case running, shuttingDown }

    struct Entry {
        var definition: JobDefinition
        var checkpoint: JobCheckpoint
        var machine: JobStateMachine
        var itemIds: [String]?
        var stop = StopSignal()
        var runTask: Task<Void, Never>?
        var scheduleTask: Task<Void, Never>?
        var restarts = 0
        var rateOrigin: (at: Date, processed: Int)?
        var lastRate: Double = 0
        var outbox: [Int: JobUpdate] = [:]
        var published: Int
        /// The job's latest state write; each waits for the one before, so the store sees them in order and the
        /// store is closed only after the last.
        var stateWrites: Task<Void, Never>?
    }

    public let configuration: Configuration
    public nonisolated let broadcaster: EventBroadcaster
    let store: any JobStore
    private let clock: any JobClock
    private var operations: [String: any BulkOperation] = [:]
    private var jobs: [String: Entry] = [:]
    private var creationOrder: [String] = []
    var locks = ItemLockTable()
    private var runQueue: [String] = []
    private var running: Set<String> = []
    var lifecycle = Lifecycle.running
    let log: @Sendable (String) -> Void

    public init(configuration: Configuration = .init(), store: any JobStore, operations: [any BulkOperation],
                clock: any JobClock = SystemJobClock(), broadcaster: EventBroadcaster = EventBroadcaster(),
                log: @escaping @Sendable (String) -> Void = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }) {
        self.configuration = configuration
        self.store = store
        self.clock = clock
        self.broadcaster = broadcaster
        self.log = log
        for operation in operations { self.operations[operation.descriptor.kind] = operation }
    }

    // MARK: - Reading

    public func descriptors() -> [OperationDescriptor] {
        operations.values.map(\.descriptor).sorted { $0.kind < $1.kind }
    }

    public func descriptor(kind: String) -> OperationDescriptor? { operations[kind]?.descriptor }

    /// The least role that may create a `kind` job with `params`, and the role below which it waits for
    /// approval; nil for an unknown kind.
    public func requirements(kind: String, params: JSONValue) -> (role: String, approvalBelowRole: String?)? {
        guard let operation = operations[kind] else { return nil }
        return (operation.requiredRole(for: params), operation.approvalBelowRole(for: params))
    }

    public func job(_ id: String) -> JobSnapshot? { jobs[id].map(snapshot) }

    /// Jobs newest first, optionally only those in `states` and of `kinds`.
    public func list(states: Set<JobState>? = nil, kinds: Set<String>? = nil) -> [JobSnapshot] {
        creationOrder.reversed().compactMap { id in
            guard let entry = jobs[id] else { return nil }
            if let states, !states.contains(entry.machine.state) { return nil }
            if let kinds, !kinds.contains(entry.definition.kind) { return nil }
            return snapshot(entry)
        }
    }

    /// Per-item results in processing order; `status` keeps only items with that status.
    public func items(_ id: String, status: ItemOutcome.Status? = nil) async throws -> [ItemOutcome] {
        guard let entry = jobs[id] else { throw JobError(.notFound, "no job \(id)") }
        let cursor = entry.checkpoint.cursor
        let ids: [String]
        if let cached = entry.itemIds { ids = cached } else { ids = try await store.itemIds(jobId: id) }
        let exceptions = try await store.exceptions(jobId: id)
        if status == .failed || status == .skipped { return exceptions.filter { $0.status == status } }
        var byId: [String: ItemOutcome] = [:]
        for outcome in exceptions { byId[outcome.itemId] = outcome }
        var results: [ItemOutcome] = []
        results.reserveCapacity(ids.count)
        for (index, itemId) in ids.enumerated() {
            let outcome = byId[itemId] ?? ItemOutcome(itemId: itemId, status: index < cursor ? .succeeded : .pending)
            if status == nil || outcome.status == status { results.append(outcome) }
        }
        return results
    }

    // MARK: - Creating

    /// What `request` would do, without creating anything.
    public func preview(_ request: JobRequest) async throws -> JobPreview {
        let (operation, ids) = try await admit(request)
        var preview = try await operation.preview(itemIds: ids, params: request.params)
        if let conflict = locks.conflict(for: ids) {
            let overlapping = Set(ids).filter { locks.holder(of: $0) != nil }
            for itemId in ids where overlapping.contains(itemId) {
                preview.conflicts.append(.init(itemId: itemId, reason: "held by another job", jobId: locks.holder(of: itemId)))
            }
            preview.warnings.append("\(conflict.count) items are held by jobs \(conflict.jobs.joined(separator: ", "))")
        }
        return preview
    }

    /// Creates a job: validates, freezes the selection, checks limit, confirmation and conflicts, writes it
    /// durably, and queues, schedules or holds it for approval.
    public func create(_ request: JobRequest) async throws -> JobSnapshot {
        let (operation, ids) = try await admit(request)
        let descriptor = operation.descriptor
        if let phrase = operation.confirmationPhrase(for: request.params), request.confirm != phrase {
            throw JobError(.confirmationRequired, "\(descriptor.kind) over \(ids.count) items cannot be undone; "
                           + "send \"confirm\": \"\(phrase)\"", details: ["phrase": .string(phrase), "count": .number(Double(ids.count))])
        }
        let chunkSize = request.chunkSize ?? configuration.defaultChunkSize
        guard (1...configuration.maxChunkSize).contains(chunkSize) else {
            throw JobError(.validationFailed, "chunkSize must be between 1 and \(configuration.maxChunkSize)",
                           details: ["field": "chunkSize"])
        }
        if let rate = request.maxItemsPerSecond, !(rate > 0 && rate.isFinite) {
            throw JobError(.validationFailed, "maxItemsPerSecond must be a positive number",
                           details: ["field": "maxItemsPerSecond"])
        }
        let now = clock.now
        let scheduled = request.scheduledFor.map { $0 > now } ?? false
        let initial: JobState = request.requiresApproval ? .awaitingApproval : (scheduled ? .scheduled : .queued)
        guard lifecycle == .running else { throw JobError(.shuttingDown, "the server is shutting down") }
        let id = JobIdentifier.make(at: now)
        // why: no await between the conflict check and taking the locks, so two creates cannot both win
        if let conflict = locks.conflict(for: ids), !request.queueOnConflict {
            throw JobError(.conflict, "\(conflict.count) selected items are held by other jobs", details: [
                "jobs": .array(conflict.jobs.map { .string($0) }),
                "items": .array(conflict.items.map { .string($0) }),
                "count": .number(Double(conflict.count)),
            ])
        }
        if initial == .queued {
            if let conflict = locks.conflict(for: ids) {
                if !request.queueOnConflict {
                    throw JobError(.conflict, "\(conflict.count) selected items are held by other jobs", details: [
                        "jobs": .array(conflict.jobs.map { .string($0) }),
                        "items": .array(conflict.items.map { .string($0) }),
                        "count": .number(Double(conflict.count)),
                    ])
                }
                locks.wait(id, items: ids)
            } else {
                _ = locks.acquire(id, items: ids)
            }
        }
        let definition = JobDefinition(id: id, kind: request.kind, selection: request.selection, params: request.params,
                                       createdBy: request.createdBy, createdAt: now, scheduledFor: request.scheduledFor,
                                       chunkSize: chunkSize, maxItemsPerSecond: request.maxItemsPerSecond,
                                       total: ids.count, queueOnConflict: request.queueOnConflict, retryOf: request.retryOf)
        var checkpoint = JobCheckpoint(state: initial)
        checkpoint.seq = 1
        var entry = Entry(definition: definition, checkpoint: checkpoint, machine: JobStateMachine(state: initial),
                          itemIds: ids, published: 0)
        jobs[id] = entry
        creationOrder.append(id)
        do {
            try await store.create(definition, itemIds: ids, checkpoint: checkpoint)
        } catch {
            jobs.removeValue(forKey: id)
            creationOrder.removeAll { $0 == id }
            for admitted in locks.release(id) { enqueueAdmitted(admitted) }
            throw JobError(.internalError, "could not store the job: \(error)")
        }
        entry = jobs[id] ?? entry
        emit(id, .created)
        switch initial {
        case .queued where locks.holds(id): runQueue.append(id)
        case .scheduled: armSchedule(id)
        default: break
        }
        pump()
        return jobs[id].map(snapshot) ?? snapshot(entry)
    }

    /// A new job over exactly the failed items of `id`.
    public func retryFailed(_ id: String, createdBy: String, requiresApproval: Bool = false,
                            confirm: String? = nil) async throws -> JobSnapshot {
        guard let entry = jobs[id] else { throw JobError(.notFound, "no job \(id)") }
        guard entry.machine.state.isTerminal else {
            throw JobError(.invalidTransition, "retry-failed needs a finished job", details: ["state": .string(entry.machine.state.rawValue)])
        }
        let failed = try await store.exceptions(jobId: id).filter { $0.status == .failed }.map(\.itemId)
        guard !failed.isEmpty else {
            throw JobError(.validationFailed, "job \(id) has no failed items", details: ["failed": 0])
        }
        var selection = entry.definition.selection
        selection.ids = failed
        selection.filter = nil
        selection.exclude = nil
        return try await create(JobRequest(kind: entry.definition.kind, selection: selection,
                                           params: entry.definition.params, createdBy: createdBy, confirm: confirm,
                                           queueOnConflict: entry.definition.queueOnConflict,
                                           chunkSize: entry.definition.chunkSize,
                                           maxItemsPerSecond: entry.definition.maxItemsPerSecond,
                                           requiresApproval: requiresApproval, itemIds: failed, retryOf: id))
    }

    private func admit(_ request: JobRequest) async throws -> (any BulkOperation, [String]) {
        guard lifecycle == .running else { throw JobError(.shuttingDown, "the server is shutting down") }
        guard let operation = operations[request.kind] else {
            throw JobError(.badRequest, "unknown job kind \"\(request.kind)\"", details: ["kind": .string(request.kind)])
        }
        try operation.validate(params: request.params)
        var ids: [String]
        if let explicit = request.itemIds { ids = explicit } else { ids = try await operation.resolve(request.selection) }
        var seen = Set<String>()
        ids = ids.filter { seen.insert($0).inserted }
        let limit = operation.descriptor.selectionLimit
        if ids.count > limit {
            throw JobError(.limitExceeded, "the selection has \(ids.count) items; \(request.kind) allows \(limit)",
                           details: ["limit": .number(Double(limit)), "count": .number(Double(ids.count))])
        }
        if ids.isEmpty { throw JobError(.validationFailed, "the selection matches no items", details: ["count": 0]) }
        try await operation.check(params: request.params, itemIds: ids)
        return (operation, ids)
    }

    // MARK: - Operator requests

    public func pause(_ id: String) throws -> JobSnapshot { try request(id, .pause) }
    public func resume(_ id: String) throws -> JobSnapshot { try request(id, .resume) }
    public func cancel(_ id: String) throws -> JobSnapshot { try request(id, .cancel) }
    public func reject(_ id: String) throws -> JobSnapshot { try request(id, .reject) }

    public func approve(_ id: String) throws -> JobSnapshot {
        guard let entry = jobs[id] else { throw JobError(.notFound, "no job \(id)") }
        let scheduled = entry.definition.scheduledFor.map { $0 > clock.now } ?? false
        return try request(id, .approve(scheduled: scheduled))
    }

    private func request(_ id: String, _ event: JobEvent) throws -> JobSnapshot {
        guard lifecycle == .running else { throw JobError(.shuttingDown, "the server is shutting down") }
        try transition(id, event)
        guard let entry = jobs[id] else { throw JobError(.notFound, "no job \(id)") }
        return snapshot(entry)
    }

    // MARK: - Transitions

    /// Runs the state machine and performs its actions; persistence and publication follow asynchronously but
    /// in seq order.
    func transition(_ id: String, _ event: JobEvent) throws {
        guard var entry = jobs[id] else { throw JobError(.notFound, "no job \(id)") }
        let actions: [JobAction]
        switch entry.machine.handle(event) {
        case .success(let result): actions = result
        case .failure(let invalid):
            throw JobError(.invalidTransition, "cannot \(invalid.event) a job that is \(invalid.state.rawValue)",
                           details: ["state": .string(invalid.state.rawValue)])
        }
        let state = entry.machine.state
        let now = clock.now
        entry.checkpoint.state = state
        if state == .running, entry.checkpoint.startedAt == nil { entry.checkpoint.startedAt = now }
        if state.isTerminal { entry.checkpoint.finishedAt = now }
        if case .fault(let reason) = event { entry.checkpoint.error = reason }
        jobs[id] = entry
        var stopNow = false
        for action in actions {
            switch action {
            case .armSchedule: armSchedule(id)
            case .enqueue: enqueue(id)
            case .startRunner: startRunner(id)
            case .stopRunnerAtBoundary:
                jobs[id]?.stop.request()
            case .stopNow: stopNow = true
            case .leaveQueue: runQueue.removeAll { $0 == id }
            case .finish: finish(id)
            }
        }
        if event == .resume, state == .running { jobs[id]?.stop.withdraw() }
        emit(id, .state)
        if state.isTerminal { emit(id, .finished) }
        if stopNow { try transition(id, .stopped) }
        pump()
    }

    func armSchedule(_ id: String) {
        guard let when = jobs[id]?.definition.scheduledFor else { return }
        let clock = self.clock
        jobs[id]?.scheduleTask = Task { [weak self] in
            do { try await clock.sleep(until: when) } catch { return }
            await self?.scheduleReached(id)
        }
    }

    private func scheduleReached(_ id: String) {
        guard jobs[id]?.machine.state == .scheduled else { return }
        try? transition(id, .timeReached)
    }

    func enqueue(_ id: String) {
        guard let entry = jobs[id] else { return }
        if locks.holds(id) {
            runQueue.append(id)
        } else if let ids = entry.itemIds, locks.acquire(id, items: ids) {
            runQueue.append(id)
        } else if let ids = entry.itemIds {
            locks.wait(id, items: ids)
        }
    }

    private func enqueueAdmitted(_ id: String) {
        if jobs[id]?.machine.state == .queued, !runQueue.contains(id) { runQueue.append(id) }
    }

    private func finish(_ id: String) {
        runQueue.removeAll { $0 == id }
        jobs[id]?.scheduleTask?.cancel()
        jobs[id]?.scheduleTask = nil
        jobs[id]?.itemIds = nil
        for admitted in locks.release(id) { enqueueAdmitted(admitted) }
    }

    func pump() {
        while running.count < configuration.maxConcurrentJobs, lifecycle == .running, !runQueue.isEmpty {
            let id = runQueue.removeFirst()
            guard jobs[id]?.machine.state == .queued else { continue }
            try? transition(id, .start)
        }
    }

    // MARK: - Runners

    func startRunner(_ id: String) {
        guard var entry = jobs[id], let ids = entry.itemIds, let operation = operations[entry.definition.kind] else {
            if jobs[id] != nil { try? transition(id, .fault("no runnable operation for this job")) }
            return
        }
        entry.stop = StopSignal()
        entry.rateOrigin = (clock.now, entry.checkpoint.cursor)
        let runner = JobRunner(definition: entry.definition, itemIds: ids, cursor: entry.checkpoint.cursor,
                               chunkIndex: entry.checkpoint.chunks, operation: operation, clock: clock,
                               policy: configuration.retry, stop: entry.stop) { [weak self] index, offset, outcomes in
            guard let self else { throw CancellationError() }
            try await self.commitChunk(id, chunkIndex: index, startOffset: offset, outcomes: outcomes)
        }
        running.insert(id)
        entry.runTask = Task { [weak self] in
            let result: Result<JobRunner.Exit, any Error>
            do { result = .success(try await runner.run()) } catch { result = .failure(error) }
            await self?.runnerEnded(id, result)
        }
        jobs[id] = entry
    }

    private func commitChunk(_ id: String, chunkIndex: Int, startOffset: Int, outcomes: [ItemOutcome]) async throws {
        guard let entry = jobs[id] else { throw JobError(.notFound, "job \(id) vanished") }
        let seq = entry.checkpoint.seq + 1
        let commit = ChunkCommit(chunkIndex: chunkIndex, startOffset: startOffset, outcomes: outcomes, seq: seq)
        // why: reserve the seq before the await so a state change made meanwhile gets the next one
        jobs[id]?.checkpoint.seq = seq
        do {
            try await store.recordChunk(jobId: id, commit)
        } catch {
            // why: the reserved seq must still be published, or every later event of the job waits for it forever
            if let current = jobs[id] {
                ready(id, JobUpdate(kind: .progress, at: clock.now, job: snapshot(current, seq: seq)))
            }
            throw error
        }
        guard var current = jobs[id] else { return }
        current.checkpoint.cursor = startOffset + commit.count
        current.checkpoint.chunks = chunkIndex + 1
        current.checkpoint.succeeded += commit.succeeded
        current.checkpoint.failed += commit.failed
        current.checkpoint.skipped += commit.skipped
        current.restarts = 0
        if let origin = current.rateOrigin {
            let elapsed = clock.now.timeIntervalSince(origin.at)
            if elapsed > 0 {
                var rate = Double(current.checkpoint.cursor - origin.processed) / elapsed
                // why: a throttled runner applies a chunk at the start of its interval, so early samples overshoot
                if let cap = current.definition.maxItemsPerSecond { rate = min(rate, cap) }
                current.lastRate = rate
            }
        }
        jobs[id] = current
        ready(id, JobUpdate(kind: .progress, at: clock.now, job: snapshot(current, seq: seq)))
    }

    private func runnerEnded(_ id: String, _ result: Result<JobRunner.Exit, any Error>) async {
        running.remove(id)
        jobs[id]?.runTask = nil
        guard let entry = jobs[id] else { return }
        let state = entry.machine.state
        switch result {
        case .success(.finished):
            try? transition(id, .finished(failedItems: entry.checkpoint.failed))
        case .success(.stopped):
            if lifecycle == .shuttingDown { return }
            if state == .running {
                // why: the pause was withdrawn after the runner had already stopped; run on from the boundary
                startRunner(id)
            } else {
                try? transition(id, .stopped)
            }
        case .failure(let error):
            if lifecycle == .shuttingDown { return }
            let restarts = entry.restarts + 1
            jobs[id]?.restarts = restarts
            log("job \(id): runner crashed (\(error)); restart \(restarts) of \(configuration.retry.maxRunnerRestarts)")
            if restarts > configuration.retry.maxRunnerRestarts {
                try? transition(id, .fault("runner crashed \(restarts) times; last error: \(error)"))
            } else if state == .pausing || state == .cancelling {
                try? transition(id, .stopped)
            } else {
                let delay = configuration.retry.backoff(beforeRetry: restarts)
                // why: the job still owns its run slot while it waits to restart
                running.insert(id)
                // why: a job waiting to restart is at a chunk boundary, so a pause or cancel must wake it
                await entry.stop.sleep(until: clock.now.addingTimeInterval(delay), on: clock)
                running.remove(id)
                guard lifecycle == .running, let current = jobs[id] else { return }
                switch current.machine.state {
                case .running: startRunner(id)
                case .pausing, .cancelling: try? transition(id, .stopped)
                default: break
                }
            }
        }
        pump()
    }

    // MARK: - Recovery and shutdown

    func adopt(_ definition: JobDefinition, checkpoint: JobCheckpoint, itemIds: [String]?) {
        jobs[definition.id] = Entry(definition: definition, checkpoint: checkpoint,
                                    machine: JobStateMachine(state: checkpoint.state), itemIds: itemIds,
                                    published: checkpoint.seq)
        creationOrder.append(definition.id)
    }

    func adoptFailed(_ definition: JobDefinition, reason: String, checkpoint: JobCheckpoint? = nil) {
        var failed = checkpoint ?? JobCheckpoint(state: .failed)
        failed.state = .failed
        failed.error = "checkpoint unreadable: \(reason)"
        failed.finishedAt = failed.finishedAt ?? clock.now
        adopt(definition, checkpoint: failed, itemIds: nil)
        emit(definition.id, .state)
        emit(definition.id, .finished)
    }

    func sortCreationOrder() {
        creationOrder.sort { left, right in
            let a = jobs[left]?.definition.createdAt ?? .distantPast
            let b = jobs[right]?.definition.createdAt ?? .distantPast
            return (a, left) < (b, right)
        }
    }

    func beginShutdown() -> [Task<Void, Never>] {
        lifecycle = .shuttingDown
        var tasks: [Task<Void, Never>] = []
        for (id, entry) in jobs {
            entry.scheduleTask?.cancel()
            jobs[id]?.scheduleTask = nil
            if let task = entry.runTask {
                entry.stop.request()
                tasks.append(task)
            }
        }
        return tasks
    }

    // MARK: - Events

    private func emit(_ id: String, _ kind: JobUpdate.Kind) {
        guard var entry = jobs[id] else { return }
        if kind != .created { entry.checkpoint.seq += 1 }
        jobs[id] = entry
        let update = JobUpdate(kind: kind, at: clock.now, job: snapshot(entry))
        guard kind != .created else {
            ready(id, update)
            return
        }
        let checkpoint = entry.checkpoint
        let store = self.store
        let previous = entry.stateWrites
        jobs[id]?.stateWrites = Task { [weak self] in
            await previous?.value
            do { try await store.recordState(jobId: id, checkpoint) } catch {
                self?.log("job \(id): could not record state \(checkpoint.state.rawValue): \(error)")
            }
            await self?.ready(id, update)
            if kind == .finished { await store.close(jobId: id) }
        }
    }

    /// Publishes events of a job strictly in seq order, whichever durable write finished first.
    private func ready(_ id: String, _ update: JobUpdate) {
        guard var entry = jobs[id] else { return }
        entry.outbox[update.seq] = update
        while let next = entry.outbox.removeValue(forKey: entry.published + 1) {
            entry.published += 1
            broadcaster.publish(next)
        }
        jobs[id] = entry
    }

    private func snapshot(_ entry: Entry) -> JobSnapshot { snapshot(entry, seq: entry.checkpoint.seq) }

    private func snapshot(_ entry: Entry, seq: Int) -> JobSnapshot {
        let checkpoint = entry.checkpoint
        let rate = entry.machine.state.isActive ? entry.lastRate : 0
        return JobSnapshot(id: entry.definition.id, kind: entry.definition.kind, state: entry.machine.state,
                           selection: entry.definition.selection, params: entry.definition.params,
                           createdBy: entry.definition.createdBy, createdAt: entry.definition.createdAt,
                           startedAt: checkpoint.startedAt, finishedAt: checkpoint.finishedAt,
                           scheduledFor: entry.definition.scheduledFor, chunkSize: entry.definition.chunkSize,
                           maxItemsPerSecond: entry.definition.maxItemsPerSecond,
                           progress: JobProgress(total: entry.definition.total, processed: checkpoint.cursor,
                                                 succeeded: checkpoint.succeeded, failed: checkpoint.failed,
                                                 skipped: checkpoint.skipped, itemsPerSecond: rate),
                           seq: seq, error: checkpoint.error, retryOf: entry.definition.retryOf)
    }
}
