import Foundation
import Orchestrator

/// `records.addTags`: adds tags to records (those already there are kept once). Finalized records are locked.
public struct RecordTagsOperation: BulkOperation {
    public static let kind = "records.addTags"
    /// Longest tag accepted.
    public static let maxTagLength = 64
    private let store: PracticeStore
    public let descriptor: OperationDescriptor

    public init(store: PracticeStore, limits: SelectionLimits) {
        self.store = store
        descriptor = OperationDescriptor(
            kind: Self.kind, entity: MedicalRecord.entity,
            description: "Add tags to records; finalized records fail as locked.",
            paramsSchema: ["type": "object", "required": ["tags"],
                           "properties": ["tags": ["type": "array", "items": ["type": "string"], "minItems": 1]]],
            selectionLimit: limits.limit(for: MedicalRecord.entity))
    }

    private func tags(_ params: JSONValue) throws -> [String] {
        let reader = try Params(params, allowed: ["tags"])
        guard let raw = try reader.strings("tags") else { throw Params.invalid("tags", "params.tags is required") }
        var seen = Set<String>()
        let tags = raw.map { $0.trimmingCharacters(in: .whitespaces) }.filter { seen.insert($0).inserted }
        guard !tags.isEmpty, tags.allSatisfy({ !$0.isEmpty && $0.count <= Self.maxTagLength }) else {
            throw Params.invalid("tags", "params.tags needs 1 or more tags of 1 to \(Self.maxTagLength) characters")
        }
        return tags
    }

    public func validate(params: JSONValue) throws { _ = try tags(params) }

    public func resolve(_ selection: Selection) async throws -> [String] {
        try await EntitySelection.resolve(selection, in: store, entities: [MedicalRecord.entity])
    }

    static func plan(_ id: String, tags: [String], state: PracticeState) -> ItemPlan<MedicalRecord> {
        guard var record = state.records[id], record.deletedAt == nil else { return .fail("not found") }
        if record.isLocked { return .fail("locked") }
        let missing = tags.filter { !record.tags.contains($0) }
        if missing.isEmpty { return .skip("already tagged") }
        let before = record.tags
        record.tags += missing
        return .change(record, before: ["tags": .array(before.map { .string($0) })],
                       after: ["tags": .array(record.tags.map { .string($0) })])
    }

    public func preview(itemIds: [String], params: JSONValue) async throws -> JobPreview {
        let tags = try tags(params)
        let plans = await store.read { state in itemIds.map { Self.plan($0, tags: tags, state: state) } }
        return OperationCore.preview(MedicalRecord.self, itemIds: itemIds, plans: plans)
    }

    public func apply(_ chunk: ChunkRequest) async throws -> [ItemOutcome] {
        let tags = try tags(chunk.params)
        return try await OperationCore.apply(MedicalRecord.self, chunk: chunk, store: store, action: Self.kind) { ids, state in
            ids.map { Self.plan($0, tags: tags, state: state) }
        }
    }
}
