import Foundation
import Orchestrator
import Synchronization

/// The error a `TestOperation` throws for a chunk it was told to fail.
struct InjectedChunkError: Error, CustomStringConvertible {
    var item: String
    var description: String { "downstream refused chunk at \(item)" }
}

/// A configurable `BulkOperation`: logs every chunk, can throw for chosen chunks a number of times, can hold a
/// chunk at a `Gate`, and honours the idempotency contract by remembering applied (job id, start offset).
final class TestOperation: BulkOperation {
    /// One call of `apply` as the operation saw it.
    struct Call: Sendable, Equatable {
        var jobId: String
        var chunkIndex: Int
        var startOffset: Int
        var itemIds: [String]
        /// The injected clock's time when the call arrived (nil without a clock).
        var at: Date?
    }

    private struct Key: Hashable {
        var jobId: String
        var startOffset: Int
    }

    private struct State {
        /// Every call, including failing and replayed ones.
        var calls: [Call] = []
        /// First applications only: the effects that were made.
        var effects: [Call] = []
        /// Calls answered from the record because the chunk was already applied.
        var replays: [Call] = []
        var recorded: [Key: [ItemOutcome]] = [:]
        /// A chunk containing the item throws this many more times.
        var throwsLeft: [String: Int] = [:]
        /// A chunk with this index (of any job) throws this many more times.
        var throwsLeftByIndex: [Int: Int] = [:]
        /// Items that come back as failed outcomes, with reasons.
        var failingItems: [String: String] = [:]
        /// A chunk containing the item waits at the gate (once).
        var gates: [String: Gate] = [:]
        /// The next chunk with this index (of any job) waits at the gate.
        var gatesByIndex: [Int: Gate] = [:]
    }

    let descriptor: OperationDescriptor
    private let universe: [String]
    private let clock: ManualJobClock?
    private let state = Mutex(State())

    init(kind: String = "test.touch", selectionLimit: Int = 10_000, confirmationPhrase: String? = nil,
         universe: [String] = [], clock: ManualJobClock? = nil) {
        descriptor = OperationDescriptor(kind: kind, entity: "things", description: "touches things in tests",
                                         paramsSchema: ["type": "object"], selectionLimit: selectionLimit,
                                         confirmationPhrase: confirmationPhrase)
        self.universe = universe
        self.clock = clock
    }

    // MARK: - Test controls

    /// The chunk containing `item` throws on its next `times` attempts.
    func failChunk(containing item: String, times: Int) {
        state.withLock { $0.throwsLeft[item] = times }
    }

    /// Chunk number `index` (of whichever job reaches it) throws on its next `times` attempts.
    func failChunk(index: Int, times: Int) {
        state.withLock { $0.throwsLeftByIndex[index] = times }
    }

    /// The next chunk number `index` (of whichever job reaches it first) waits at the returned gate.
    func block(chunkIndex index: Int) -> Gate {
        let gate = Gate()
        state.withLock { $0.gatesByIndex[index] = gate }
        return gate
    }

    /// `item` comes back as a failed outcome with `reason`.
    func failItem(_ item: String, reason: String) {
        state.withLock { $0.failingItems[item] = reason }
    }

    /// The next chunk containing `item` waits at the returned gate until it is released.
    func block(chunkContaining item: String) -> Gate {
        let gate = Gate()
        state.withLock { $0.gates[item] = gate }
        return gate
    }

    var calls: [Call] { state.withLock { $0.calls } }
    var effects: [Call] { state.withLock { $0.effects } }
    var replays: [Call] { state.withLock { $0.replays } }
    func effects(of jobId: String) -> [Call] { effects.filter { $0.jobId == jobId } }
    func calls(of jobId: String) -> [Call] { calls.filter { $0.jobId == jobId } }
    func appliedItems(of jobId: String) -> [String] { effects(of: jobId).flatMap(\.itemIds) }

    // MARK: - BulkOperation

    func validate(params: JSONValue) throws {
        if params["invalid"]?.boolValue == true {
            throw JobError(.validationFailed, "invalid params", details: ["field": "invalid"])
        }
    }

    func resolve(_ selection: Selection) async throws -> [String] {
        if let ids = selection.ids { return ids }
        let excluded = Set(selection.exclude ?? [])
        let prefix = selection.filter?["prefix"]?.stringValue ?? ""
        return universe.filter { $0.hasPrefix(prefix) && !excluded.contains($0) }
    }

    func preview(itemIds: [String], params: JSONValue) async throws -> JobPreview {
        JobPreview(total: itemIds.count,
                   sample: itemIds.prefix(10).map { .init(itemId: $0, before: "old", after: "new") },
                   conflicts: [], warnings: [], estimate: [:])
    }

    func apply(_ chunk: ChunkRequest) async throws -> [ItemOutcome] {
        let call = Call(jobId: chunk.jobId, chunkIndex: chunk.chunkIndex, startOffset: chunk.startOffset,
                        itemIds: chunk.itemIds, at: clock?.now)
        let gate: Gate? = state.withLock { state in
            state.calls.append(call)
            if let gate = state.gatesByIndex.removeValue(forKey: chunk.chunkIndex) { return gate }
            for item in chunk.itemIds {
                if let gate = state.gates.removeValue(forKey: item) { return gate }
            }
            return nil
        }
        if let gate { await gate.pass() }
        return try state.withLock { state in
            if let left = state.throwsLeftByIndex[chunk.chunkIndex], left > 0 {
                state.throwsLeftByIndex[chunk.chunkIndex] = left - 1
                throw InjectedChunkError(item: chunk.itemIds[0])
            }
            for item in chunk.itemIds {
                if let left = state.throwsLeft[item], left > 0 {
                    state.throwsLeft[item] = left - 1
                    throw InjectedChunkError(item: item)
                }
            }
            let key = Key(jobId: chunk.jobId, startOffset: chunk.startOffset)
            if let recorded = state.recorded[key] {
                state.replays.append(call)
                return recorded
            }
            let outcomes = chunk.itemIds.map { item in
                state.failingItems[item].map { ItemOutcome.failed(item, $0) } ?? .succeeded(item)
            }
            state.recorded[key] = outcomes
            state.effects.append(call)
            return outcomes
        }
    }
}
