/// The result of one item in a chunk.
public struct ItemOutcome: Codable, Sendable, Hashable {
    /// How an item ended.
    public enum Status: String, Codable, Sendable, Hashable {
        /// Changed as asked.
        case succeeded
        /// Not changed; `reason` says why.
        case failed
        /// Nothing to do (already in the asked state, already reminded, ...).
        case skipped
        /// Not processed yet (only in item listings).
        case pending
    }

    public var itemId: String
    public var status: Status
    public var reason: String?

    public init(itemId: String, status: Status, reason: String? = nil) {
        self.itemId = itemId
        self.status = status
        self.reason = reason
    }

    public static func succeeded(_ id: String) -> ItemOutcome { .init(itemId: id, status: .succeeded) }
    public static func failed(_ id: String, _ reason: String) -> ItemOutcome { .init(itemId: id, status: .failed, reason: reason) }
    public static func skipped(_ id: String, _ reason: String) -> ItemOutcome { .init(itemId: id, status: .skipped, reason: reason) }
}
