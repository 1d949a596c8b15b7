import Foundation

/// Where the engine keeps jobs durable. Files today; the interface leaves room for a shared database so that
/// several servers can run one set of jobs.
public protocol JobStore: Sendable {
    /// Writes a new job's definition, frozen item list and first checkpoint; once, before anything else.
    func create(_ definition: JobDefinition, itemIds: [String], checkpoint: JobCheckpoint) async throws
    /// Makes a chunk's effect on the checkpoint durable.
    func recordChunk(jobId: String, _ commit: ChunkCommit) async throws
    /// Makes a state change durable (the state, the seq and timestamps; never the cursor).
    func recordState(jobId: String, _ checkpoint: JobCheckpoint) async throws
    /// The frozen item list.
    func itemIds(jobId: String) async throws -> [String]
    /// Failed and skipped items with reasons, in processing order.
    func exceptions(jobId: String) async throws -> [ItemOutcome]
    /// Every job found, or the reason it could not be read.
    func loadAll() async -> [StoredJob]
    /// Lets go of resources held for a job that will not change any more.
    func close(jobId: String) async
}

/// One job as found in a `JobStore` at start.
public enum StoredJob: Sendable {
    /// Readable: definition and checkpoint.
    case intact(JobDefinition, JobCheckpoint)
    /// Unreadable; the definition when it at least could be read.
    case corrupt(jobId: String, definition: JobDefinition?, reason: String)
}
