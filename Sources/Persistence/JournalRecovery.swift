/// What opening a journal found: how many frames were valid, and how many trailing bytes were cut off and why.
public struct JournalRecovery: Sendable, Equatable {
    /// Valid frames kept.
    public var validRecords: Int
    /// Bytes after the last valid frame that were truncated away (a torn or corrupt tail).
    public var discardedBytes: Int
    /// Why the tail was discarded; nil when nothing was.
    public var reason: String?

    public init(validRecords: Int, discardedBytes: Int, reason: String?) {
        self.validRecords = validRecords
        self.discardedBytes = discardedBytes
        self.reason = reason
    }

    /// True when nothing was discarded.
    public var isClean: Bool { discardedBytes == 0 }
}
