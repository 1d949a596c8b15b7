import Foundation
import Orchestrator
import Synchronization
import Testing

/// `count` item ids `prefix-0000`, `prefix-0001`, ...
func itemIds(_ prefix: String, _ count: Int) -> [String] {
    (0..<count).map { "\(prefix)-\(String(format: "%04d", $0))" }
}

/// Waits (bounded by wall time) until `condition` holds; only for letting tasks reach a point, never to measure.
func eventually(seconds: Double = 8, _ condition: () async -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
    while true {
        if await condition() { return true }
        if ContinuousClock.now >= deadline { return false }
        await Task.yield()
        try? await Task.sleep(for: .milliseconds(1))
    }
}

/// Collects the engine's log lines.
final class LogSink: Sendable {
    private let lines = Mutex<[String]>([])
    var all: [String] { lines.withLock { $0 } }
    func append(_ line: String) { lines.withLock { $0.append(line) } }
}

/// A supervisor over an in-memory store, a test operation and a manual clock.
struct Harness {
    let clock: ManualJobClock
    let store: InMemoryJobStore
    let operation: TestOperation
    let supervisor: JobSupervisor
    let log: LogSink

    init(maxConcurrentJobs: Int = 4, retry: RetryPolicy = RetryPolicy(), selectionLimit: Int = 10_000,
         confirmationPhrase: String? = nil, universe: [String] = [], store: InMemoryJobStore = InMemoryJobStore(),
         broadcaster: EventBroadcaster = EventBroadcaster()) {
        let clock = ManualJobClock()
        let operation = TestOperation(selectionLimit: selectionLimit, confirmationPhrase: confirmationPhrase,
                                      universe: universe, clock: clock)
        var configuration = JobSupervisor.Configuration()
        configuration.maxConcurrentJobs = maxConcurrentJobs
        configuration.retry = retry
        let log = LogSink()
        self.clock = clock
        self.store = store
        self.operation = operation
        self.log = log
        supervisor = JobSupervisor(configuration: configuration, store: store, operations: [operation], clock: clock,
                                   broadcaster: broadcaster, log: { log.append($0) })
    }

    /// A create request over explicit ids.
    static func request(_ ids: [String], chunkSize: Int? = nil, queueOnConflict: Bool = false,
                        maxItemsPerSecond: Double? = nil, kind: String = "test.touch", confirm: String? = nil,
                        requiresApproval: Bool = false, scheduledFor: Date? = nil) -> JobRequest {
        JobRequest(kind: kind, selection: Selection(entity: "things", ids: ids), createdBy: "tester",
                   scheduledFor: scheduledFor, confirm: confirm, queueOnConflict: queueOnConflict,
                   chunkSize: chunkSize, maxItemsPerSecond: maxItemsPerSecond, requiresApproval: requiresApproval)
    }

    func create(_ ids: [String], chunkSize: Int? = nil, queueOnConflict: Bool = false,
                maxItemsPerSecond: Double? = nil) async throws -> JobSnapshot {
        try await supervisor.create(Self.request(ids, chunkSize: chunkSize, queueOnConflict: queueOnConflict,
                                                 maxItemsPerSecond: maxItemsPerSecond))
    }

    func state(_ id: String) async -> JobState? { await supervisor.job(id)?.state }

    /// Waits until the job is in `state`.
    func waitFor(_ id: String, _ state: JobState) async -> Bool {
        await eventually { await self.state(id) == state }
    }

    /// Waits until the job is terminal, advancing the manual clock to the next deadline whenever someone sleeps
    /// on it (throttle, back-off, restart). Bounded by wall time and by the number of advances.
    @discardableResult
    func drive(_ id: String, maxAdvances: Int = 10_000) async -> JobState? {
        var advances = 0
        let finished = await eventually {
            if let state = await self.state(id), state.isTerminal { return true }
            if advances < maxAdvances, let next = clock.nextDeadline {
                advances += 1
                clock.advance(by: max(0, next.timeIntervalSince(clock.now)))
            }
            return false
        }
        return finished ? await state(id) : nil
    }
}

extension Harness {
    /// Every event of the job from the broadcaster's history, once its `finished` event is out (events are
    /// published after their durable write, so they may trail the state the supervisor reports).
    func finishedHistory(_ id: String, after seq: Int = 0) async -> [JobUpdate]? {
        let broadcaster = supervisor.broadcaster
        guard await eventually({ broadcaster.replay(jobId: id, after: seq)?.last?.kind == .finished }) else {
            return nil
        }
        return broadcaster.replay(jobId: id, after: seq)
    }
}

/// Runs `body`, expecting a `JobError`, and returns it (nil, recorded as an issue, when nothing was thrown).
func expectJobError(_ body: () async throws -> Void, sourceLocation: SourceLocation = #_sourceLocation)
    async -> JobError? {
    do {
        try await body()
        Issue.record("expected a JobError, nothing was thrown", sourceLocation: sourceLocation)
        return nil
    } catch let error as JobError {
        return error
    } catch {
        Issue.record("expected a JobError, got \(error)", sourceLocation: sourceLocation)
        return nil
    }
}
