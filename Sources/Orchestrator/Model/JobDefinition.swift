import Foundation

/// What a job is asked to do; written once when the job is created and never changed.
public struct JobDefinition: Codable, Sendable, Equatable {
    public var id: String
    public var kind: String
    public var selection: Selection
    public var params: JSONValue
    public var createdBy: String
    public var createdAt: Date
    public var scheduledFor: Date?
    public var chunkSize: Int
    public var maxItemsPerSecond: Double?
    /// The item count of the frozen selection (the item ids themselves are stored beside the definition).
    public var total: Int
    /// When set, the job waits for these items instead of refusing on a conflict.
    public var queueOnConflict: Bool
    /// The job this one retries, for `retry-failed`.
    public var retryOf: String?

    public init(id: String, kind: String, selection: Selection, params: JSONValue, createdBy: String,
                createdAt: Date, scheduledFor: Date?, chunkSize: Int, maxItemsPerSecond: Double?, total: Int,
                queueOnConflict: Bool, retryOf: String? = nil) {
        self.id = id
        self.kind = kind
        self.selection = selection
        self.params = params
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.scheduledFor = scheduledFor
        self.chunkSize = chunkSize
        self.maxItemsPerSecond = maxItemsPerSecond
        self.total = total
        self.queueOnConflict = queueOnConflict
        self.retryOf = retryOf
    }

    /// Items per chunk actually used: a throttled job takes smaller chunks so that pause and cancel, which land
    /// at chunk boundaries, stay prompt. Derived from the definition alone so it is the same after a restart.
    public var effectiveChunkSize: Int {
        guard let rate = maxItemsPerSecond, rate > 0 else { return max(1, chunkSize) }
        return max(1, min(chunkSize, Int(rate / 4)))
    }
}
