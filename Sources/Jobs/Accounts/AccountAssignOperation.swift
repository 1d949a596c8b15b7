import Foundation
import Orchestrator

/// `accounts.assign`: assigns accounts to collectors — exact counts each, with a random choice of which accounts;
/// without counts an even random spread — or unassigns them; optionally moves the payment credit.
///
/// The randomness is spent once, when the job is created: `resolve` shuffles the frozen item list, and an item's
/// collector follows from its position in that list. So every chunk, and every chunk re-run after a crash, assigns
/// the same accounts to the same collectors, and the counts are exact across chunks.
public struct AccountAssignOperation: BulkOperation {
    public static let kind = "accounts.assign"
    static let creditValues = ["none", "all", "pendingOnly"]
    private let store: PracticeStore
    public let descriptor: OperationDescriptor

    public init(store: PracticeStore, limits: SelectionLimits) {
        self.store = store
        descriptor = OperationDescriptor(
            kind: Self.kind, entity: Account.entity,
            description: "Assign accounts to collectors (exact counts, random choice; or an even random spread) or "
                + "unassign them; creditPayments all/pendingOnly moves payment credit and needs manager approval "
                + "for staff.",
            paramsSchema: ["type": "object",
                           "properties": ["collectors": ["type": "array", "items": [
                               "type": "object", "required": ["id"],
                               "properties": ["id": ["type": "string"], "count": ["type": "integer", "minimum": 1]]]],
                                          "unassign": ["type": "boolean", "default": false],
                                          "creditPayments": ["type": "string", "enum": ["none", "all", "pendingOnly"],
                                                             "default": "none"]]],
            selectionLimit: limits.limit(for: Account.entity), approvalBelowRole: "manager")
    }

    struct Plan: Sendable {
        var collectors: [(id: String, count: Int?)]
        var unassign: Bool
        var credit: String

        var counted: Bool { collectors.first?.count != nil }

        /// The collector of the item at `position` of the job; nil to unassign; `.none` when no collector gets it.
        func target(at position: Int) -> String?? {
            if unassign { return .some(nil) }
            if counted {
                var end = 0
                for collector in collectors {
                    end += collector.count ?? 0
                    if position < end { return .some(collector.id) }
                }
                return .none
            }
            return .some(collectors[position % collectors.count].id)
        }
    }

    private func plan(_ params: JSONValue) throws -> Plan {
        let reader = try Params(params, allowed: ["collectors", "unassign", "creditPayments"])
        let unassign = try reader.bool("unassign") ?? false
        let credit = try reader.string("creditPayments") ?? "none"
        guard Self.creditValues.contains(credit) else {
            throw Params.invalid("creditPayments", "params.creditPayments must be none, all or pendingOnly", value: .string(credit))
        }
        var collectors: [(id: String, count: Int?)] = []
        for (index, value) in (reader.object["collectors"]?.arrayValue ?? []).enumerated() {
            guard let object = value.objectValue, let id = object["id"]?.stringValue, !id.isEmpty,
                  object.keys.allSatisfy({ $0 == "id" || $0 == "count" }) else {
                throw Params.invalid("collectors", "params.collectors[\(index)] must be {\"id\", \"count\"?}")
            }
            var count: Int?
            if let raw = object["count"], !raw.isNull {
                guard let number = raw.intValue, number >= 1 else {
                    throw Params.invalid("collectors", "params.collectors[\(index)].count must be a whole number of 1 or more")
                }
                count = number
            }
            guard !collectors.contains(where: { $0.id == id }) else {
                throw Params.invalid("collectors", "collector \(id) is named twice")
            }
            collectors.append((id, count))
        }
        if reader.has("collectors"), reader.object["collectors"]?.arrayValue == nil {
            throw Params.invalid("collectors", "params.collectors must be an array")
        }
        if unassign {
            guard collectors.isEmpty else { throw Params.invalid("unassign", "unassign takes no collectors") }
        } else {
            guard !collectors.isEmpty else {
                throw Params.invalid("collectors", "name at least one collector, or set params.unassign")
            }
            let withCount = collectors.count { $0.count != nil }
            guard withCount == 0 || withCount == collectors.count else {
                throw Params.invalid("collectors", "give a count for every collector or for none (an even spread)")
            }
        }
        return Plan(collectors: collectors, unassign: unassign, credit: credit)
    }

    public func validate(params: JSONValue) throws { _ = try plan(params) }

    /// Staff may assign and unassign freely; moving payment credit changes collectors' pay, so a manager approves.
    public func approvalBelowRole(for params: JSONValue) -> String? {
        let credit = params["creditPayments"]?.stringValue ?? "none"
        return credit == "none" ? nil : "manager"
    }

    /// The accounts in a random order: the order decides who gets which account.
    public func resolve(_ selection: Selection) async throws -> [String] {
        var random = SystemRandomNumberGenerator()
        return try await EntitySelection.resolve(selection, in: store, entities: [Account.entity]).shuffled(using: &random)
    }

    public func check(params: JSONValue, itemIds: [String]) async throws {
        let plan = try plan(params)
        for collector in plan.collectors {
            try await StaffCheck.require(collector.id, role: .collector, field: "collectors", in: store)
        }
        let wanted = plan.collectors.reduce(0) { $0 + ($1.count ?? 0) }
        if wanted > itemIds.count {
            throw JobError(.validationFailed, "the counts add up to \(wanted) accounts but the selection has \(itemIds.count)",
                           details: ["field": "params.collectors", "requested": .number(Double(wanted)),
                                     "count": .number(Double(itemIds.count))])
        }
    }

    static func plan(_ id: String, position: Int, plan: Plan, state: PracticeState) -> ItemPlan<Account> {
        guard var row = state.accounts[id], row.deletedAt == nil else { return .fail("not found") }
        guard let target = plan.target(at: position) else {
            return .skip("not chosen: the counts cover fewer accounts than selected")
        }
        var before: [String: JSONValue] = ["assignedTo": OperationCore.text(row.assignedTo)]
        var after: [String: JSONValue] = ["assignedTo": OperationCore.text(target)]
        row.assignedTo = target
        if let target, plan.credit != "none" {
            if plan.credit == "all", row.lastPaymentAmount != nil, row.paymentsCreditedTo != target {
                before["paymentsCreditedTo"] = OperationCore.text(row.paymentsCreditedTo)
                after["paymentsCreditedTo"] = .string(target)
                row.paymentsCreditedTo = target
            }
            if row.pendingPaymentAmount > 0, row.pendingPaymentsCreditedTo != target {
                before["pendingPaymentsCreditedTo"] = OperationCore.text(row.pendingPaymentsCreditedTo)
                after["pendingPaymentsCreditedTo"] = .string(target)
                row.pendingPaymentsCreditedTo = target
            }
        }
        if before == after { return .skip(target.map { "already assigned to \($0)" } ?? "already unassigned") }
        return .change(row, before: before, after: after)
    }

    public func preview(itemIds: [String], params: JSONValue) async throws -> JobPreview {
        let plan = try plan(params)
        let state = await store.state
        let plans = itemIds.enumerated().map { Self.plan($1, position: $0, plan: plan, state: state) }
        var perCollector: [String: JSONValue] = [:]
        for position in itemIds.indices {
            if let target = plan.target(at: position) {
                let key = target ?? "unassigned"
                perCollector[key] = .number((perCollector[key]?.doubleValue ?? 0) + 1)
            }
        }
        var warnings: [String] = ["which accounts each collector gets is chosen at random when the job is created"]
        if plan.counted {
            let wanted = plan.collectors.reduce(0) { $0 + ($1.count ?? 0) }
            if wanted < itemIds.count { warnings.append("\(itemIds.count - wanted) selected accounts stay as they are") }
        }
        return OperationCore.preview(Account.self, itemIds: itemIds, plans: plans, warnings: warnings,
                                     estimate: ["assignments": .object(perCollector)])
    }

    public func apply(_ chunk: ChunkRequest) async throws -> [ItemOutcome] {
        let plan = try plan(chunk.params)
        return try await OperationCore.apply(Account.self, chunk: chunk, store: store, action: Self.kind) { ids, state in
            ids.enumerated().map { Self.plan($1, position: chunk.startOffset + $0, plan: plan, state: state) }
        }
    }
}
