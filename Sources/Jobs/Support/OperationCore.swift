import Foundation
import Orchestrator

/// The shared body of the kinds that change rows of one entity: preview from plans, and apply a chunk exactly once
/// through `PracticeStore.applyChunk` with every changed row, the extra changes and one audit entry per changed
/// item in a single journal frame.
enum OperationCore {
    /// Items a preview describes in full.
    static let sampleSize = 10

    static func preview<Row: PracticeEntity>(_ type: Row.Type, itemIds: [String], plans: [ItemPlan<Row>],
                                             warnings extra: [String] = [], secondsPerItem: Double = 0.000_05,
                                             estimate more: [String: JSONValue] = [:]) -> JobPreview {
        var sample: [JobPreview.Change] = []
        var conflicts: [JobPreview.Conflict] = []
        var skipped: [String: Int] = [:]
        var changing = 0
        for (id, plan) in zip(itemIds, plans) {
            switch plan {
            case .change(_, let before, let after, _):
                changing += 1
                if sample.count < sampleSize { sample.append(.init(itemId: id, before: .object(before), after: .object(after))) }
            case .skip(let reason): skipped[reason, default: 0] += 1
            case .fail(let reason, let suggestion): conflicts.append(.init(itemId: id, reason: reason, suggestion: suggestion))
            }
        }
        var warnings: [String] = []
        for (reason, count) in skipped.sorted(by: { $0.key < $1.key }) {
            warnings.append("\(count) \(Row.entity) will be skipped: \(reason)")
        }
        if !conflicts.isEmpty { warnings.append("\(conflicts.count) \(Row.entity) cannot be changed and will fail") }
        warnings += extra
        var estimate: [String: JSONValue] = ["changes": .number(Double(changing)),
                                             "skips": .number(Double(skipped.values.reduce(0, +))),
                                             "failures": .number(Double(conflicts.count)),
                                             "seconds": .number((Double(itemIds.count) * secondsPerItem * 1000).rounded() / 1000)]
        for (key, value) in more { estimate[key] = value }
        return JobPreview(total: itemIds.count, sample: sample, conflicts: conflicts, warnings: warnings, estimate: estimate)
    }

    /// Applies `chunk` once: `plans` decides each item's fate from the state the store hands over.
    static func apply<Row: PracticeEntity>(_ type: Row.Type, chunk: ChunkRequest, store: PracticeStore, action: String,
                                           reason: String? = nil,
                                           plans: @escaping @Sendable ([String], PracticeState) -> [ItemPlan<Row>])
        async throws -> [ItemOutcome] {
        let at = Timestamp.string(Date())
        return try await store.applyChunk(chunk) { state in
            let planned = plans(chunk.itemIds, state)
            var outcomes: [ItemOutcome] = []
            outcomes.reserveCapacity(chunk.itemIds.count)
            var rows: [Row] = []
            var extra: [PracticeChange] = []
            var changed: [String] = []
            var before: [String] = []
            var after: [String] = []
            for (id, plan) in zip(chunk.itemIds, planned) {
                switch plan {
                case .change(let row, let old, let new, let more):
                    outcomes.append(.succeeded(id))
                    rows.append(row)
                    extra += more
                    changed.append(id)
                    before.append(jsonText(.object(old)))
                    after.append(jsonText(.object(new)))
                case .skip(let why): outcomes.append(.skipped(id, why))
                case .fail(let why, _): outcomes.append(.failed(id, why))
                }
            }
            guard !changed.isEmpty else { return ([], outcomes) }
            let audit = AuditBatch(at: at, actor: chunk.actor, action: action, jobId: chunk.jobId, entity: Row.entity,
                                   field: nil, itemIds: changed, before: before, after: after, reason: reason)
            return ([Row.put(rows)] + PracticeChange.coalesce(extra, at: at, chunk: chunk) + [.audit(audit)], outcomes)
        }
    }

    /// Compact JSON text with sorted keys (audit values).
    static func jsonText(_ value: JSONValue) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "null"
    }

    static func text(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
}

extension PracticeChange {
    /// Merges the puts of one entity into one change, keeping everything else in order. Audit batches stamped
    /// `pending` get the chunk's time, actor and job.
    static func coalesce(_ changes: [PracticeChange], at: String, chunk: ChunkRequest) -> [PracticeChange] {
        var appointments: [Appointment] = [], billing: [BillingEntry] = [], messages: [Message] = []
        var records: [MedicalRecord] = [], patients: [Patient] = [], accounts: [Account] = []
        var rest: [PracticeChange] = []
        for change in changes {
            switch change {
            case .putAppointments(let list): appointments += list
            case .putBilling(let list): billing += list
            case .putMessages(let list): messages += list
            case .putRecords(let list): records += list
            case .putPatients(let list): patients += list
            case .putAccounts(let list): accounts += list
            case .audit(var batch):
                batch.at = at
                batch.actor = chunk.actor
                batch.jobId = chunk.jobId
                rest.append(.audit(batch))
            default: rest.append(change)
            }
        }
        var out: [PracticeChange] = []
        if !records.isEmpty { out.append(.putRecords(records)) }
        if !patients.isEmpty { out.append(.putPatients(patients)) }
        if !appointments.isEmpty { out.append(.putAppointments(appointments)) }
        if !billing.isEmpty { out.append(.putBilling(billing)) }
        if !accounts.isEmpty { out.append(.putAccounts(accounts)) }
        if !messages.isEmpty { out.append(.putMessages(messages)) }
        // why: several audit batches of one cascade entity merge into one so the frame stays small
        var merged: [String: AuditBatch] = [:]
        var order: [String] = []
        var others: [PracticeChange] = []
        for change in rest {
            if case .audit(let batch) = change, batch.after.count == batch.itemIds.count, batch.before.count == batch.itemIds.count {
                let key = batch.action + "|" + batch.entity
                if var existing = merged[key] {
                    existing.itemIds += batch.itemIds
                    existing.before += batch.before
                    existing.after += batch.after
                    merged[key] = existing
                } else {
                    merged[key] = batch
                    order.append(key)
                }
            } else {
                others.append(change)
            }
        }
        return out + others + order.compactMap { merged[$0].map(PracticeChange.audit) }
    }
}

/// Reads a kind's parameters strictly: unknown keys and wrong types answer 422 `validation_failed`.
struct Params {
    let object: [String: JSONValue]

    init(_ params: JSONValue, allowed: Set<String>) throws {
        guard let object = params.objectValue else {
            throw JobError(.validationFailed, "params must be an object", details: ["field": "params"])
        }
        if let unknown = object.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw JobError(.validationFailed, "unknown parameter \"\(unknown)\"",
                           details: ["field": .string("params." + unknown), "allowed": .array(allowed.sorted().map { .string($0) })])
        }
        self.object = object
    }

    func has(_ key: String) -> Bool { object[key].map { !$0.isNull } ?? false }

    func string(_ key: String, required: Bool = false) throws -> String? {
        guard let value = object[key], !value.isNull else {
            if required { throw Self.invalid(key, "params.\(key) is required") }
            return nil
        }
        guard let text = value.stringValue else { throw Self.invalid(key, "params.\(key) must be a string") }
        return text
    }

    func int(_ key: String) throws -> Int? {
        guard let value = object[key], !value.isNull else { return nil }
        guard let number = value.intValue else { throw Self.invalid(key, "params.\(key) must be a whole number") }
        return number
    }

    func double(_ key: String) throws -> Double? {
        guard let value = object[key], !value.isNull else { return nil }
        guard let number = value.doubleValue else { throw Self.invalid(key, "params.\(key) must be a number") }
        return number
    }

    func bool(_ key: String) throws -> Bool? {
        guard let value = object[key], !value.isNull else { return nil }
        guard let flag = value.boolValue else { throw Self.invalid(key, "params.\(key) must be true or false") }
        return flag
    }

    func strings(_ key: String) throws -> [String]? {
        guard let value = object[key], !value.isNull else { return nil }
        guard let list = value.arrayValue, list.allSatisfy({ $0.stringValue != nil }) else {
            throw Self.invalid(key, "params.\(key) must be an array of strings")
        }
        return list.compactMap(\.stringValue)
    }

    static func invalid(_ key: String, _ message: String, value: JSONValue? = nil) -> JobError {
        var details: [String: JSONValue] = ["field": .string("params." + key)]
        if let value { details["value"] = value }
        return JobError(.validationFailed, message, details: details)
    }
}
