/// The audit entries of one chunk (or one operator action) stored together: one entry per item, sharing who,
/// when and what. Stored as a batch so that auditing a million items stays cheap.
public struct AuditBatch: Codable, Sendable, Equatable {
    public var at: String
    public var actor: String
    public var action: String
    public var jobId: String?
    public var entity: String
    /// The field the action changed, when it changed one field.
    public var field: String?
    public var itemIds: [String]
    /// Values before, one per item (JSON text).
    public var before: [String]
    /// Values after: one per item, or a single value shared by all (JSON text).
    public var after: [String]
    /// Why the change was made, when the operator gave a reason (a reschedule, a cancellation).
    public var reason: String?

    public init(at: String, actor: String, action: String, jobId: String?, entity: String, field: String?,
                itemIds: [String], before: [String], after: [String], reason: String? = nil) {
        self.at = at
        self.actor = actor
        self.action = action
        self.jobId = jobId
        self.entity = entity
        self.field = field
        self.itemIds = itemIds
        self.before = before
        self.after = after
        self.reason = reason
    }

    /// The entry of the item at `index`.
    public func entry(_ index: Int) -> AuditEntry {
        AuditEntry(at: at, actor: actor, action: action, jobId: jobId, entity: entity,
                   itemId: itemIds.isEmpty ? nil : itemIds[index], field: field,
                   before: before.isEmpty ? nil : before[min(index, before.count - 1)],
                   after: after.isEmpty ? nil : after[min(index, after.count - 1)], reason: reason)
    }

    public var entryCount: Int { max(itemIds.count, 1) }
}
