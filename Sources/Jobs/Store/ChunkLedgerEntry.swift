import Orchestrator

/// A chunk a job applied to the store, kept with the store's own journal so that a chunk re-run after a
/// crash returns what it did the first time instead of doing it again.
public struct ChunkLedgerEntry: Codable, Sendable, Equatable {
    public var startOffset: Int
    public var count: Int
    /// Failed and skipped items; the rest succeeded.
    public var exceptions: [ItemOutcome]

    /// The chunk's outcomes in item order.
    func outcomes(for itemIds: [String]) -> [ItemOutcome] {
        var byId: [String: ItemOutcome] = [:]
        for outcome in exceptions { byId[outcome.itemId] = outcome }
        return itemIds.map { byId[$0] ?? .succeeded($0) }
    }
}
