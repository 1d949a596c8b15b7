import Foundation
import Orchestrator

/// `records.assignVet`: moves records to another vet. Finalized and archived records are locked.
public struct RecordAssignVetOperation: BulkOperation {
    public static let kind = "records.assignVet"
    private let store: PracticeStore
    public let descriptor: OperationDescriptor

    public init(store: PracticeStore, limits: SelectionLimits) {
        self.store = store
        descriptor = OperationDescriptor(
            kind: Self.kind, entity: MedicalRecord.entity,
            description: "Assign records to another veterinarian; finalized records fail as locked.",
            paramsSchema: ["type": "object", "required": ["vetId"],
                           "properties": ["vetId": ["type": "string", "description": "a staff id with role vet"]]],
            selectionLimit: limits.limit(for: MedicalRecord.entity))
    }

    private func vetId(_ params: JSONValue) throws -> String {
        let reader = try Params(params, allowed: ["vetId"])
        guard let vet = try reader.string("vetId", required: true), !vet.isEmpty else {
            throw Params.invalid("vetId", "params.vetId is required")
        }
        return vet
    }

    public func validate(params: JSONValue) throws { _ = try vetId(params) }

    public func resolve(_ selection: Selection) async throws -> [String] {
        try await EntitySelection.resolve(selection, in: store, entities: [MedicalRecord.entity])
    }

    public func check(params: JSONValue, itemIds: [String]) async throws {
        try await StaffCheck.require(try vetId(params), role: .vet, field: "vetId", in: store)
    }

    static func plan(_ id: String, vetId: String, state: PracticeState) -> ItemPlan<MedicalRecord> {
        guard var record = state.records[id], record.deletedAt == nil else { return .fail("not found") }
        if record.isLocked { return .fail("locked") }
        if record.vetId == vetId { return .skip("already assigned to \(vetId)") }
        let before = record.vetId
        record.vetId = vetId
        return .change(record, before: ["vetId": .string(before)], after: ["vetId": .string(vetId)])
    }

    public func preview(itemIds: [String], params: JSONValue) async throws -> JobPreview {
        let vet = try vetId(params)
        let plans = await store.read { state in itemIds.map { Self.plan($0, vetId: vet, state: state) } }
        return OperationCore.preview(MedicalRecord.self, itemIds: itemIds, plans: plans)
    }

    public func apply(_ chunk: ChunkRequest) async throws -> [ItemOutcome] {
        let vet = try vetId(chunk.params)
        return try await OperationCore.apply(MedicalRecord.self, chunk: chunk, store: store, action: Self.kind) { ids, state in
            ids.map { Self.plan($0, vetId: vet, state: state) }
        }
    }
}

/// Checks that a parameter names an existing member of staff with the right role.
enum StaffCheck {
    static func require(_ id: String, role: StaffMember.Role, field: String, in store: PracticeStore) async throws {
        let member = await store.state.staff[id]
        guard let member, member.deletedAt == nil else {
            throw Params.invalid(field, "no member of staff \(id)", value: .string(id))
        }
        guard member.role == role else {
            throw Params.invalid(field, "\(id) (\(member.name)) is a \(member.role.rawValue), not a \(role.rawValue)",
                                 value: .string(id))
        }
    }
}
