import Foundation
import Orchestrator

/// `records.setStatus`: draft → finalized (locks the record; needs confirmation) or → archived. A finalized record
/// never goes back; every item's change is audited.
public struct RecordStatusOperation: BulkOperation {
    public static let kind = "records.setStatus"
    public static let finalizePhrase = "FINALIZE"

    private let store: PracticeStore
    public let descriptor: OperationDescriptor
    /// The audit value of each status, made once: this kind is the hot path.
    static let auditText: [MedicalRecord.Status: String] = Dictionary(uniqueKeysWithValues: MedicalRecord.Status.allCases.map {
        ($0, "{\"status\":\"\($0.rawValue)\"}")
    })

    public init(store: PracticeStore, limits: SelectionLimits) {
        self.store = store
        self.descriptor = OperationDescriptor(
            kind: Self.kind, entity: "records",
            description: "Finalize draft records (locks them; cannot be undone) or archive records.",
            paramsSchema: ["type": "object", "required": ["to"],
                           "properties": ["to": ["type": "string", "enum": ["finalized", "archived"]]]],
            selectionLimit: limits.limit(for: "records"), role: "staff", confirmationPhrase: Self.finalizePhrase)
    }

    public func confirmationPhrase(for params: JSONValue) -> String? {
        params["to"]?.stringValue == "finalized" ? Self.finalizePhrase : nil
    }

    private func target(_ params: JSONValue) throws -> MedicalRecord.Status {
        guard let text = params["to"]?.stringValue else {
            throw JobError(.validationFailed, "params.to is required (finalized or archived)", details: ["field": "params.to"])
        }
        guard let status = MedicalRecord.Status(rawValue: text), status != .draft else {
            throw JobError(.validationFailed, "params.to must be finalized or archived; a record never goes back to draft",
                           details: ["field": "params.to", "value": .string(text)])
        }
        return status
    }

    public func validate(params: JSONValue) throws {
        _ = try target(params)
        if let keys = params.objectValue?.keys, let unknown = keys.first(where: { $0 != "to" }) {
            throw JobError(.validationFailed, "unknown parameter \"\(unknown)\"", details: ["field": .string("params." + unknown)])
        }
    }

    public func resolve(_ selection: Selection) async throws -> [String] {
        try await EntitySelection.resolve(selection, in: store, entities: [MedicalRecord.entity])
    }

    /// Why `record` cannot move to `status`, or nil when it can; `skip` tells a no-op apart from a refusal.
    static func check(_ record: MedicalRecord?, to status: MedicalRecord.Status) -> (reason: String, skip: Bool)? {
        guard let record else { return ("not found", false) }
        return check(deleted: record.deletedAt != nil, from: record.status, to: status)
    }

    static func check(deleted: Bool, from current: MedicalRecord.Status, to status: MedicalRecord.Status)
        -> (reason: String, skip: Bool)? {
        if deleted { return ("not found", false) }
        if current == status { return ("already \(status.rawValue)", true) }
        if current == .archived { return ("archived records cannot be finalized", false) }
        return nil
    }

    public func preview(itemIds: [String], params: JSONValue) async throws -> JobPreview {
        let status = try target(params)
        let state = await store.state
        var sample: [JobPreview.Change] = []
        var conflicts: [JobPreview.Conflict] = []
        var skipped = 0
        for id in itemIds {
            let record = state.records[id]
            if let problem = Self.check(record, to: status) {
                if problem.skip { skipped += 1 } else { conflicts.append(.init(itemId: id, reason: problem.reason)) }
                continue
            }
            if sample.count < 10, let record {
                sample.append(.init(itemId: id, before: ["status": .string(record.status.rawValue)],
                                    after: ["status": .string(status.rawValue)]))
            }
        }
        var warnings: [String] = []
        if skipped > 0 { warnings.append("\(skipped) records are already \(status.rawValue) and will be skipped") }
        if status == .finalized {
            warnings.append("Finalize \(itemIds.count - skipped - conflicts.count) draft records? This cannot be undone.")
        }
        return JobPreview(total: itemIds.count, sample: sample, conflicts: conflicts, warnings: warnings,
                          estimate: ["seconds": .number(Double(itemIds.count) / 100_000)])
    }

    public func apply(_ chunk: ChunkRequest) async throws -> [ItemOutcome] {
        let status = try target(chunk.params)
        let at = Timestamp.string(Date())
        return try await store.applyChunk(chunk) { state in
            var outcomes: [ItemOutcome] = []
            outcomes.reserveCapacity(chunk.itemIds.count)
            var changed: [String] = []
            var before: [String] = []
            for id in chunk.itemIds {
                let found = state.records.withRow(id) { ($0.deletedAt != nil, $0.status) }
                guard let (deleted, current) = found else {
                    outcomes.append(.failed(id, "not found"))
                    continue
                }
                if let problem = Self.check(deleted: deleted, from: current, to: status) {
                    outcomes.append(problem.skip ? .skipped(id, problem.reason) : .failed(id, problem.reason))
                } else {
                    outcomes.append(.succeeded(id))
                    changed.append(id)
                    before.append(Self.auditText[current] ?? "")
                }
            }
            guard !changed.isEmpty else { return ([], outcomes) }
            let audit = AuditBatch(at: at, actor: chunk.actor, action: Self.kind, jobId: chunk.jobId, entity: "records",
                                   field: "status", itemIds: changed, before: before, after: [Self.auditText[status] ?? ""])
            return ([.setRecordStatus(ids: changed, status: status), .audit(audit)], outcomes)
        }
    }
}
