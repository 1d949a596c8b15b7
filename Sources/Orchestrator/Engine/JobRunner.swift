import Foundation

/// Runs one job: takes one chunk at a time, hands it to the job's `BulkOperation`, and commits the outcome
/// through the supervisor before the next; stops only at chunk boundaries.
actor JobRunner {
    /// Why a run ended without throwing.
    enum Exit: Sendable, Equatable {
        /// Every item was processed.
        case finished
        /// A stop was requested and honoured at a chunk boundary.
        case stopped
    }

    /// Commits a chunk's outcomes durably; throws when it could not (the runner then crashes and is restarted).
    typealias Commit = @Sendable (_ chunkIndex: Int, _ startOffset: Int, _ outcomes: [ItemOutcome]) async throws -> Void

    private let definition: JobDefinition
    private let itemIds: [String]
    private let operation: any BulkOperation
    private let clock: any JobClock
    private let policy: RetryPolicy
    private let stop: StopSignal
    private let commit: Commit
    private var cursor: Int
    private var chunkIndex: Int

    init(definition: JobDefinition, itemIds: [String], cursor: Int, chunkIndex: Int, operation: any BulkOperation,
         clock: any JobClock, policy: RetryPolicy, stop: StopSignal, commit: @escaping Commit) {
        self.definition = definition
        self.itemIds = itemIds
        self.operation = operation
        self.clock = clock
        self.policy = policy
        self.stop = stop
        self.commit = commit
        self.cursor = cursor
        self.chunkIndex = chunkIndex
    }

    func run() async throws -> Exit {
        let size = definition.effectiveChunkSize
        let throttleStart = clock.now
        var itemsThisRun = 0
        while cursor < itemIds.count {
            if stop.isRequested { return .stopped }
            if let rate = definition.maxItemsPerSecond, rate > 0 {
                let earliest = throttleStart.addingTimeInterval(Double(itemsThisRun) / rate)
                if earliest > clock.now {
                    await stop.sleep(until: earliest, on: clock)
                    continue
                }
            }
            let end = min(cursor + size, itemIds.count)
            let request = ChunkRequest(jobId: definition.id, chunkIndex: chunkIndex, startOffset: cursor,
                                       itemIds: Array(itemIds[cursor..<end]), params: definition.params,
                                       actor: definition.createdBy)
            guard let outcomes = try await applyWithRetry(request) else { return .stopped }
            try await commit(chunkIndex, cursor, outcomes)
            cursor = end
            chunkIndex += 1
            itemsThisRun += outcomes.count
        }
        return .finished
    }

    /// The chunk's outcomes; after the last failed attempt every item fails with the error as reason. Nil when a
    /// stop arrived during a back-off (nothing was applied, so that is a boundary too).
    private func applyWithRetry(_ request: ChunkRequest) async throws -> [ItemOutcome]? {
        var attempt = 1
        while true {
            do {
                let outcomes = try await operation.apply(request)
                guard outcomes.count == request.itemIds.count,
                      zip(outcomes, request.itemIds).allSatisfy({ $0.itemId == $1 }) else {
                    throw JobError(.internalError, "\(definition.kind) returned \(outcomes.count) outcomes for "
                                   + "\(request.itemIds.count) items")
                }
                return outcomes
            } catch let error as JobError where error.code == .internalError {
                throw error
            } catch {
                if attempt >= policy.chunkAttempts {
                    let reason = "chunk failed after \(attempt) attempts: \(error)"
                    return request.itemIds.map { ItemOutcome.failed($0, reason) }
                }
                await stop.sleep(until: clock.now.addingTimeInterval(policy.backoff(beforeRetry: attempt)), on: clock)
                if stop.isRequested { return nil }
                attempt += 1
            }
        }
    }
}
