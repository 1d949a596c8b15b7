import Foundation
import Orchestrator

/// `delete`: soft (hidden, recoverable with `POST /v1/{entity}/{id}/restore`, purged after the retention period)
/// or hard (removed at once; manager role and the phrase `DELETE`). The entity is the selection's. Cascades:
/// a deleted patient's active appointments become `patientDeleted`, a deleted record's bill `orphaned`.
/// Finalized and archived records refuse deletion ("locked"). Staff soft deletes wait for a manager's approval.
public struct DeleteOperation: BulkOperation {
    public static let kind = "delete"
    public static let hardPhrase = "DELETE"
    public static let entities: Set<String> = [MedicalRecord.entity, Patient.entity, Client.entity, Appointment.entity,
                                               BillingEntry.entity, Account.entity, MessageTemplate.entity,
                                               Message.entity]
    private let store: PracticeStore
    private let limits: SelectionLimits
    public let descriptor: OperationDescriptor

    public init(store: PracticeStore, limits: SelectionLimits) {
        self.store = store
        self.limits = limits
        descriptor = OperationDescriptor(
            kind: Self.kind, entity: "*",
            description: "Delete rows of the selection's entity (\(Self.entities.sorted().joined(separator: ", "))): "
                + "soft (recoverable, purged later; staff need manager approval) or hard (manager only, confirm "
                + "with DELETE). Patients cascade to appointments (patientDeleted), records to billing (orphaned).",
            paramsSchema: ["type": "object", "required": ["mode"],
                           "properties": ["mode": ["type": "string", "enum": ["soft", "hard"], "default": "soft"]]],
            selectionLimit: Self.entities.map { limits.limit(for: $0) }.max() ?? limits.fallback,
            role: "staff", approvalBelowRole: "manager", confirmationPhrase: Self.hardPhrase)
    }

    private func hard(_ params: JSONValue) throws -> Bool {
        let reader = try Params(params, allowed: ["mode"])
        let mode = try reader.string("mode") ?? "soft"
        guard mode == "soft" || mode == "hard" else {
            throw Params.invalid("mode", "params.mode must be soft or hard", value: .string(mode))
        }
        return mode == "hard"
    }

    public func validate(params: JSONValue) throws { _ = try hard(params) }

    public func confirmationPhrase(for params: JSONValue) -> String? {
        params["mode"]?.stringValue == "hard" ? Self.hardPhrase : nil
    }

    public func requiredRole(for params: JSONValue) -> String {
        params["mode"]?.stringValue == "hard" ? "manager" : "staff"
    }

    public func approvalBelowRole(for params: JSONValue) -> String? {
        params["mode"]?.stringValue == "hard" ? nil : "manager"
    }

    public func resolve(_ selection: Selection) async throws -> [String] {
        let ids = try await EntitySelection.resolve(selection, in: store, entities: Self.entities)
        let limit = limits.limit(for: selection.entity)
        if ids.count > limit {
            throw JobError(.limitExceeded, "the selection has \(ids.count) \(selection.entity); delete allows \(limit)",
                           details: ["limit": .number(Double(limit)), "count": .number(Double(ids.count))])
        }
        if selection.ids != nil {
            let state = await store.state
            for (name, _) in PracticeState.entities where name != selection.entity {
                if let stray = ids.first(where: { state.row(name, $0) != nil }) {
                    throw JobError(.validationFailed, "\(stray) is one of the \(name), not the \(selection.entity)",
                                   details: ["field": "selection.ids", "itemId": .string(stray)])
                }
            }
        }
        return ids
    }

    static func plan<Row: PracticeEntity>(_ type: Row.Type, _ id: String, hard: Bool, at: String,
                                          state: PracticeState) -> ItemPlan<Row> {
        guard var row = state[keyPath: Row.table][id] else { return .fail("not found") }
        if let record = row as? MedicalRecord, record.isLocked { return .fail("locked") }
        if !hard, row.deletedAt != nil { return .skip("already deleted") }
        let before = row.deletedAt
        row.deletedAt = at
        let cascade = DeletionCascade.onDelete(Row.entity, id, in: state, action: kind + ".cascade")
        return .change(row, before: ["deletedAt": OperationCore.text(before)],
                       after: hard ? ["deleted": "permanently"] : ["deletedAt": .string(at)], extra: cascade)
    }

    /// The entity of a chunk's items: the first table that holds one of them.
    static func entity(of ids: [String], in state: PracticeState) -> (any PracticeEntity.Type)? {
        func holds<Row: PracticeEntity>(_ type: Row.Type) -> Bool {
            let table = state[keyPath: Row.table]
            return ids.contains { table[$0] != nil }
        }
        return PracticeState.entities.values.first { holds($0) }
    }

    public func preview(itemIds: [String], params: JSONValue) async throws -> JobPreview {
        let hard = try hard(params)
        let state = await store.state
        guard let type = Self.entity(of: itemIds, in: state) else {
            return JobPreview(total: itemIds.count, sample: [],
                              conflicts: itemIds.map { .init(itemId: $0, reason: "not found") }, warnings: [], estimate: [:])
        }
        return preview(type, itemIds, hard: hard, state: state)
    }

    private func preview<Row: PracticeEntity>(_ type: Row.Type, _ ids: [String], hard: Bool, state: PracticeState)
        -> JobPreview {
        let at = Timestamp.string(Date())
        let plans = ids.map { Self.plan(type, $0, hard: hard, at: at, state: state) }
        var cascaded: [String: Int] = [:]
        for plan in plans {
            guard case .change(_, _, _, let extra) = plan else { continue }
            for change in extra {
                if case .putAppointments(let list) = change { cascaded["appointments will become patientDeleted", default: 0] += list.count }
                if case .putBilling(let list) = change { cascaded["bills will become orphaned", default: 0] += list.count }
            }
        }
        var warnings = cascaded.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }
        warnings.append(hard ? "Delete \(ids.count) \(Row.entity) permanently? This cannot be undone."
                        : "Deleted \(Row.entity) are hidden and can be restored until they are purged.")
        return OperationCore.preview(type, itemIds: ids, plans: plans, warnings: warnings)
    }

    public func apply(_ chunk: ChunkRequest) async throws -> [ItemOutcome] {
        let hard = try hard(chunk.params)
        let at = Timestamp.string(Date())
        return try await store.applyChunk(chunk) { state in
            guard let type = Self.entity(of: chunk.itemIds, in: state) else {
                return ([], chunk.itemIds.map { .failed($0, "not found") })
            }
            return Self.compute(type, chunk: chunk, hard: hard, at: at, state: state)
        }
    }

    private static func compute<Row: PracticeEntity>(_ type: Row.Type, chunk: ChunkRequest, hard: Bool, at: String,
                                                     state: PracticeState)
        -> (changes: [PracticeChange], outcomes: [ItemOutcome]) {
        var outcomes: [ItemOutcome] = []
        var rows: [Row] = []
        var extra: [PracticeChange] = []
        var before: [String] = []
        var after: [String] = []
        for id in chunk.itemIds {
            switch plan(type, id, hard: hard, at: at, state: state) {
            case .change(let row, let old, let new, let more):
                outcomes.append(.succeeded(id))
                rows.append(row)
                extra += more
                before.append(OperationCore.jsonText(.object(old)))
                after.append(OperationCore.jsonText(.object(new)))
            case .skip(let why): outcomes.append(.skipped(id, why))
            case .fail(let why, _): outcomes.append(.failed(id, why))
            }
        }
        guard !rows.isEmpty else { return ([], outcomes) }
        let main: PracticeChange = hard ? .remove(entity: Row.entity, ids: rows.map(\.id)) : Row.put(rows)
        let audit = AuditBatch(at: at, actor: chunk.actor, action: hard ? "delete.hard" : "delete.soft",
                               jobId: chunk.jobId, entity: Row.entity, field: nil, itemIds: rows.map(\.id),
                               before: before, after: after)
        return ([main] + PracticeChange.coalesce(extra, at: at, chunk: chunk) + [.audit(audit)], outcomes)
    }
}
