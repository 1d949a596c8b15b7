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

    /// A copy of the whole state. Prefer `read`: a copy held while a chunk commits makes that commit copy every
    /// table instead of changing it in place.
    public var state: PracticeState { store.state }

    /// Runs `body` on the store's own thread with the current state, so nothing escapes and commits keep changing
    /// the state in place.
    public func read<T: Sendable>(_ body: @Sendable (PracticeState) throws -> T) rethrows -> T {
        try body(store.state)
    }

    /// True before anything (demo, bench data) was put in.
    public var isEmpty: Bool {
        let state = store.state
        return state.records.isEmpty && state.staff.isEmpty && state.clients.isEmpty && state.accounts.isEmpty
    }

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

    /// Audit entries, oldest first, filtered by job, item, actor, time range, entity and action.
    public func audit(jobId: String? = nil, itemId: String? = nil, actor: String? = nil, from: String? = nil,
                      to: String? = nil, entity: String? = nil, action: String? = nil) -> [AuditEntry] {
        var entries: [AuditEntry] = []
        for batch in store.state.audit {
            if let jobId, batch.jobId != jobId { continue }
            if let actor, batch.actor != actor { continue }
            if let entity, batch.entity != entity { continue }
            if let action, batch.action != action { continue }
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

    /// How many audit entries each item has, for one job (the exactly-once check); operator actions on the job
    /// itself are not items.
    public func auditCountByItem(jobId: String) -> [String: Int] {
        var counts: [String: Int] = [:]
        for batch in store.state.audit where batch.jobId == jobId && batch.entity != Self.jobsEntity {
            for id in batch.itemIds { counts[id, default: 0] += 1 }
        }
        return counts
    }

    /// The audit entity of operator actions on jobs.
    public static let jobsEntity = "jobs"

    /// Appends the audit entry of an operator's action on a job (create, approve, reject, pause, resume, cancel,
    /// retry-failed): entity `jobs`, the job as the item, its state before and after.
    public func recordJobAction(_ action: String, jobId: String, kind: String, actor: String, before: String?,
                                after: String, at: Date = Date(), note: String? = nil) throws {
        func state(_ value: String?) -> String {
            OperationCore.jsonText(["state": value.map(JSONValue.string) ?? .null, "kind": .string(kind)])
        }
        try store.commit([.audit(AuditBatch(at: Timestamp.string(at), actor: actor, action: "job." + action,
                                            jobId: jobId, entity: Self.jobsEntity, field: "state", itemIds: [jobId],
                                            before: [state(before)], after: [state(after)], reason: note))])
    }

    /// Brings back the soft-deleted row `id` of `entity` and undoes its cascade; audited as `restore`.
    public func restore(entity: String, id: String, actor: String, at: Date = Date()) throws -> AnyEntity {
        guard let type = PracticeState.entities[entity] else { throw JobError(.notFound, "no entity \"\(entity)\"") }
        return try restore(type, id: id, actor: actor, at: Timestamp.string(at))
    }

    private func restore<Row: PracticeEntity>(_ type: Row.Type, id: String, actor: String, at: String) throws -> AnyEntity {
        let state = store.state
        guard var row = state[keyPath: Row.table][id] else {
            throw JobError(.notFound, "no \(Row.entity) row \(id) (hard-deleted and purged rows cannot be restored)")
        }
        guard let deletedAt = row.deletedAt else {
            throw JobError(.conflict, "\(id) is not deleted", details: ["itemId": .string(id)])
        }
        row.deletedAt = nil
        let audit = AuditBatch(at: at, actor: actor, action: "restore", jobId: nil, entity: Row.entity, field: "deletedAt",
                               itemIds: [id], before: [OperationCore.jsonText(["deletedAt": .string(deletedAt)])],
                               after: [OperationCore.jsonText(["deletedAt": .null])])
        let cascade = DeletionCascade.onRestore(Row.entity, id, in: state, action: "restore.cascade").map { change in
            guard case .audit(var batch) = change else { return change }
            batch.at = at
            batch.actor = actor
            return .audit(batch)
        }
        try store.commit([Row.put([row])] + cascade + [.audit(audit)])
        return AnyEntity(row)
    }

    /// Removes for good every row soft-deleted before `cutoff`; audited as `purge` by `system`. Returns the count.
    @discardableResult
    public func purge(deletedBefore cutoff: Date, at: Date = Date()) throws -> Int {
        let limit = Timestamp.string(cutoff)
        let state = store.state
        var changes: [PracticeChange] = []
        func collect<Row: PracticeEntity>(_ type: Row.Type) {
            let ids = state[keyPath: Row.table].all.compactMap { row in
                row.deletedAt.map { $0 < limit } == true ? row.id : nil
            }
            guard !ids.isEmpty else { return }
            changes.append(.remove(entity: Row.entity, ids: ids))
            changes.append(.audit(AuditBatch(at: Timestamp.string(at), actor: "system", action: "purge", jobId: nil,
                                             entity: Row.entity, field: nil, itemIds: ids, before: [], after: [])))
        }
        for type in PracticeState.entities.values.sorted(by: { $0.entity < $1.entity }) { collect(type) }
        guard !changes.isEmpty else { return 0 }
        try store.commit(changes)
        return changes.reduce(0) { count, change in
            if case .remove(_, let ids) = change { return count + ids.count }
            return count
        }
    }

    public func close() {
        store.close()
    }
}
