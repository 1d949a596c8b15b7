/// One chunk handed to a `BulkOperation`.
public struct ChunkRequest: Sendable {
    public var jobId: String
    /// 0-based chunk number; with `startOffset` it identifies the chunk for idempotent re-application.
    public var chunkIndex: Int
    /// Index of the chunk's first item in the job's frozen item list.
    public var startOffset: Int
    public var itemIds: [String]
    public var params: JSONValue
    /// Who created the job (for audit entries).
    public var actor: String

    public init(jobId: String, chunkIndex: Int, startOffset: Int, itemIds: [String], params: JSONValue, actor: String) {
        self.jobId = jobId
        self.chunkIndex = chunkIndex
        self.startOffset = startOffset
        self.itemIds = itemIds
        self.params = params
        self.actor = actor
    }
}
