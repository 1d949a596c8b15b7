import Foundation

/// The durable, changing part of a job: its state, how far it got and its counts.
public struct JobCheckpoint: Codable, Sendable, Equatable {
    public var state: JobState
    /// Offset of the next unprocessed item in the frozen item list.
    public var cursor: Int
    /// Chunks committed so far.
    public var chunks: Int
    public var succeeded: Int
    public var failed: Int
    public var skipped: Int
    /// The seq of the newest event made durable.
    public var seq: Int
    public var startedAt: Date?
    public var finishedAt: Date?
    public var error: String?

    public init(state: JobState) {
        self.state = state
        cursor = 0
        chunks = 0
        succeeded = 0
        failed = 0
        skipped = 0
        seq = 0
    }
}
