/// What one committed chunk changed in its job's checkpoint: the delta, so records can be replayed in any order
/// relative to state changes without moving the cursor backwards.
public struct ChunkCommit: Codable, Sendable, Equatable {
    public var chunkIndex: Int
    public var startOffset: Int
    public var count: Int
    public var succeeded: Int
    /// Items that failed or were skipped, with reasons (successes are implied).
    public var exceptions: [ItemOutcome]
    public var seq: Int

    public init(chunkIndex: Int, startOffset: Int, outcomes: [ItemOutcome], seq: Int) {
        self.chunkIndex = chunkIndex
        self.startOffset = startOffset
        self.count = outcomes.count
        self.succeeded = outcomes.count { $0.status == .succeeded }
        self.exceptions = outcomes.filter { $0.status != .succeeded }
        self.seq = seq
    }

    public var failed: Int { exceptions.count { $0.status == .failed } }
    public var skipped: Int { exceptions.count { $0.status == .skipped } }
}
