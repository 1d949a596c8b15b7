/// One append-only audit line: who did what to which item, with the value before and after.
public struct AuditEntry: Codable, Sendable, Equatable {
    public var at: String
    public var actor: String
    public var action: String
    public var jobId: String?
    public var entity: String
    public var itemId: String?
    public var field: String?
    public var before: String?
    public var after: String?
    public var reason: String?
}
