import Foundation
import Orchestrator

/// `records.generateBilling`: creates an open bill for each finalized or archived record that has none. Drafts
/// fail (finalize them first); billing is the one change a locked record accepts, since finalizing is what makes
/// a record billable.
public struct RecordBillingOperation: BulkOperation {
    public static let kind = "records.generateBilling"
    /// The amount billed per template when `params.amount` is absent.
    public static let defaultAmounts: [String: Double] = ["wellness": 65, "dental": 180, "surgery": 450,
                                                          "vaccination": 45, "follow-up": 40]
    public static let fallbackAmount: Double = 60
    private let store: PracticeStore
    public let descriptor: OperationDescriptor

    public init(store: PracticeStore, limits: SelectionLimits) {
        self.store = store
        descriptor = OperationDescriptor(
            kind: Self.kind, entity: MedicalRecord.entity,
            description: "Create bills for finalized records without billing (amount per template unless given).",
            paramsSchema: ["type": "object",
                           "properties": ["amount": ["type": "number", "exclusiveMinimum": 0]]],
            selectionLimit: limits.limit(for: MedicalRecord.entity))
    }

    private func amount(_ params: JSONValue) throws -> Double? {
        let reader = try Params(params, allowed: ["amount"])
        guard let amount = try reader.double("amount") else { return nil }
        guard amount > 0, amount < 1_000_000 else { throw Params.invalid("amount", "params.amount must be above 0") }
        return amount
    }

    public func validate(params: JSONValue) throws { _ = try amount(params) }

    public func resolve(_ selection: Selection) async throws -> [String] {
        try await EntitySelection.resolve(selection, in: store, entities: [MedicalRecord.entity])
    }

    static func plan(_ id: String, amount: Double?, at: String, state: PracticeState) -> ItemPlan<MedicalRecord> {
        guard var record = state.records[id], record.deletedAt == nil else { return .fail("not found") }
        if record.status == .draft { return .fail("draft records cannot be billed; finalize them first") }
        let billId = BillingEntry.id(forRecord: id)
        if record.billed || state.billing[billId] != nil { return .skip("already billed") }
        let total = amount ?? defaultAmounts[record.template] ?? fallbackAmount
        record.billed = true
        let bill = BillingEntry(id: billId, recordId: id, patientId: record.patientId, amount: total, status: .open,
                                createdAt: at)
        return .change(record, before: ["billed": false],
                       after: ["billed": true, "billingId": .string(billId), "amount": .number(total)],
                       extra: [.putBilling([bill])])
    }

    public func preview(itemIds: [String], params: JSONValue) async throws -> JobPreview {
        let amount = try amount(params)
        let state = await store.state
        let at = Timestamp.string(Date())
        let plans = itemIds.map { Self.plan($0, amount: amount, at: at, state: state) }
        var total = 0.0
        for plan in plans { if case .change(_, _, let after, _) = plan { total += after["amount"]?.doubleValue ?? 0 } }
        return OperationCore.preview(MedicalRecord.self, itemIds: itemIds, plans: plans,
                                     estimate: ["amount": .number((total * 100).rounded() / 100)])
    }

    public func apply(_ chunk: ChunkRequest) async throws -> [ItemOutcome] {
        let amount = try amount(chunk.params)
        let at = Timestamp.string(Date())
        return try await OperationCore.apply(MedicalRecord.self, chunk: chunk, store: store, action: Self.kind) { ids, state in
            ids.map { Self.plan($0, amount: amount, at: at, state: state) }
        }
    }
}
