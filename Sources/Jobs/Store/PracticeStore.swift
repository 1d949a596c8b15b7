import Foundation
import Orchestrator
import Persistence

/// The embedded practice data (records, audit, and the chunk ledger) on a journaled store. Runs on its own I/O
/// thread so journal writes and fsyncs never block the cooperative pool.
public actor PracticeStore {
    private nonisolated let executor: BlockingIOExecutor
    public nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }
    private let store: JournaledStore<PracticeState>

    private init(executor: BlockingIOExecutor, store: JournaledStore<PracticeState>) {
        self.executor = executor
        self.store = store
    }

    /// Opens (or creates) the store in `directory`, replaying its journal; a torn tail is cut and reported.
    public static func open(directory: String, compactAfterBytes: Int = 256 << 20) async throws -> PracticeStore {
        let executor = BlockingIOExecutor(label: "bulkops.practice")
        let box = try await executor.run {
            try AtomicFile.createDirectory(directory)
            var configuration = JournaledStore<PracticeState>.Configuration()
            configuration.compactAfterBytes = compactAfterBytes
            return UncheckedBox(try JournaledStore<PracticeState>(directory: directory, configuration: configuration))
        }
        if box.value.recovery.discardedBytes > 0 {
            FileHandle.standardError.write(Data(("practice store: discarded a torn journal tail of "
                + "\(box.value.recovery.discardedBytes) bytes (\(box.value.recovery.reason ?? ""))\n").utf8))
        }
        return PracticeStore(executor: executor, store: box.value)
    }

    public var state: PracticeState { store.state }

    public var isEmpty: Bool { store.state.records.isEmpty }

    public func record(_ id: String) -> MedicalRecord? { store.state.records[id] }

    public func commit(_ changes: [PracticeChange]) throws {
        try store.commit(changes)
    }

    /// Applies one chunk of a job exactly once: when the ledger shows the chunk was applied already, its recorded
    /// outcomes are returned; otherwise `compute` decides the changes and outcomes from the current state, and the
    /// changes, the audit and the ledger entry are committed as one journal frame.
    public func applyChunk(_ chunk: ChunkRequest,
                           compute: @Sendable (PracticeState) -> (changes: [PracticeChange], outcomes: [ItemOutcome]))
        throws -> [ItemOutcome] {
        if let done = store.state.ledger[chunk.jobId]?[chunk.startOffset] {
            return done.outcomes(for: chunk.itemIds)
        }
        let (changes, outcomes) = compute(store.state)
        let entry = ChunkLedgerEntry(startOffset: chunk.startOffset, count: outcomes.count,
                                     exceptions: outcomes.filter { $0.status != .succeeded })
        try store.commit(changes + [.ledger(jobId: chunk.jobId, entry)])
        return outcomes
    }

    /// Audit entries, oldest first, filtered by job, item, actor and time range.
    public func audit(jobId: String? = nil, itemId: String? = nil, actor: String? = nil, from: String? = nil,
                      to: String? = nil) -> [AuditEntry] {
        var entries: [AuditEntry] = []
        for batch in store.state.audit {
            if let jobId, batch.jobId != jobId { continue }
            if let actor, batch.actor != actor { continue }
            if let from, batch.at < from { continue }
            if let to, batch.at > to { continue }
            if let itemId {
                for index in batch.itemIds.indices where batch.itemIds[index] == itemId { entries.append(batch.entry(index)) }
            } else {
                for index in 0..<batch.entryCount { entries.append(batch.entry(index)) }
            }
        }
        return entries
    }

    /// How many audit entries each item has, for one job (the exactly-once check).
    public func auditCountByItem(jobId: String) -> [String: Int] {
        var counts: [String: Int] = [:]
        for batch in store.state.audit where batch.jobId == jobId {
            for id in batch.itemIds { counts[id, default: 0] += 1 }
        }
        return counts
    }

    public func close() {
        store.close()
    }
}
