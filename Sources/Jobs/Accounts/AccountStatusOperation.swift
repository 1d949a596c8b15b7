import Foundation
import Orchestrator

/// `accounts.setStatus`: moves accounts to a status from the configured set.
public struct AccountStatusOperation: BulkOperation {
    public static let kind = "accounts.setStatus"
    private let store: PracticeStore
    private let statuses: AccountStatuses
    public let descriptor: OperationDescriptor

    public init(store: PracticeStore, limits: SelectionLimits, statuses: AccountStatuses) {
        self.store = store
        self.statuses = statuses
        descriptor = OperationDescriptor(
            kind: Self.kind, entity: Account.entity,
            description: "Change the status of accounts to one of the configured statuses.",
            paramsSchema: ["type": "object", "required": ["to"],
                           "properties": ["to": ["type": "string", "enum": .array(statuses.values.map { .string($0) })]]],
            selectionLimit: limits.limit(for: Account.entity))
    }

    private func target(_ params: JSONValue) throws -> String {
        let reader = try Params(params, allowed: ["to"])
        guard let to = try reader.string("to", required: true), statuses.contains(to) else {
            throw Params.invalid("to", "params.to must be one of \(statuses.values.joined(separator: ", "))",
                                 value: params["to"] ?? .null)
        }
        return to
    }

    public func validate(params: JSONValue) throws { _ = try target(params) }

    public func resolve(_ selection: Selection) async throws -> [String] {
        try await EntitySelection.resolve(selection, in: store, entities: [Account.entity])
    }

    static func plan(_ id: String, to: String, state: PracticeState) -> ItemPlan<Account> {
        guard var row = state.accounts[id], row.deletedAt == nil else { return .fail("not found") }
        if row.status == to { return .skip("already \(to)") }
        let before = row.status
        row.status = to
        return .change(row, before: ["status": .string(before)], after: ["status": .string(to)])
    }

    public func preview(itemIds: [String], params: JSONValue) async throws -> JobPreview {
        let to = try target(params)
        let state = await store.state
        return OperationCore.preview(Account.self, itemIds: itemIds, plans: itemIds.map { Self.plan($0, to: to, state: state) })
    }

    public func apply(_ chunk: ChunkRequest) async throws -> [ItemOutcome] {
        let to = try target(chunk.params)
        return try await OperationCore.apply(Account.self, chunk: chunk, store: store, action: Self.kind) { ids, state in
            ids.map { Self.plan($0, to: to, state: state) }
        }
    }
}
