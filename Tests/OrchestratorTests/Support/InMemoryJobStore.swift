import Foundation
import Orchestrator

/// A `JobStore` in memory that can be told to fail chunk commits, and pre-filled to test recovery.
actor InMemoryJobStore: JobStore {
    /// The failure the store throws when told to.
    struct InjectedFailure: Error, CustomStringConvertible {
        var description: String { "injected store failure" }
    }

    /// One stored job.
    struct Record: Sendable {
        var definition: JobDefinition
        var itemIds: [String]
        var checkpoint: JobCheckpoint
        var exceptions: [ItemOutcome] = []
        /// The seq of the newest state change applied (state writes may arrive out of order).
        var stateSeq: Int
        var closed = false
    }

    private(set) var records: [String: Record] = [:]
    private var corrupt: [StoredJob] = []
    private var recordChunkFailuresLeft = 0
    private var failingJob: String?
    private(set) var recordChunkCalls = 0
    private(set) var failedRecordChunkCalls = 0

    init() {}

    // MARK: - Test controls

    /// The next `count` calls of `recordChunk` (for `jobId` only, when given) throw.
    func failNextRecordChunks(_ count: Int, jobId: String? = nil) {
        recordChunkFailuresLeft = count
        failingJob = jobId
    }

    /// Puts a job in the store as if an earlier server had written it.
    func preload(_ definition: JobDefinition, itemIds: [String], checkpoint: JobCheckpoint,
                 exceptions: [ItemOutcome] = []) {
        records[definition.id] = Record(definition: definition, itemIds: itemIds, checkpoint: checkpoint,
                                        exceptions: exceptions, stateSeq: checkpoint.seq)
    }

    /// A job whose checkpoint cannot be read.
    func preloadCorrupt(jobId: String, definition: JobDefinition?, reason: String) {
        corrupt.append(.corrupt(jobId: jobId, definition: definition, reason: reason))
    }

    func checkpoint(of jobId: String) -> JobCheckpoint? { records[jobId]?.checkpoint }
    func isClosed(_ jobId: String) -> Bool { records[jobId]?.closed ?? false }

    // MARK: - JobStore

    func create(_ definition: JobDefinition, itemIds: [String], checkpoint: JobCheckpoint) async throws {
        guard records[definition.id] == nil else { throw JobError(.internalError, "duplicate job \(definition.id)") }
        records[definition.id] = Record(definition: definition, itemIds: itemIds, checkpoint: checkpoint,
                                        stateSeq: checkpoint.seq)
    }

    func recordChunk(jobId: String, _ commit: ChunkCommit) async throws {
        recordChunkCalls += 1
        if recordChunkFailuresLeft > 0, failingJob == nil || failingJob == jobId {
            recordChunkFailuresLeft -= 1
            failedRecordChunkCalls += 1
            throw InjectedFailure()
        }
        guard var record = records[jobId] else { throw JobError(.notFound, "no job \(jobId)") }
        record.checkpoint.cursor = max(record.checkpoint.cursor, commit.startOffset + commit.count)
        record.checkpoint.chunks = max(record.checkpoint.chunks, commit.chunkIndex + 1)
        record.checkpoint.succeeded += commit.succeeded
        record.checkpoint.failed += commit.failed
        record.checkpoint.skipped += commit.skipped
        record.checkpoint.seq = max(record.checkpoint.seq, commit.seq)
        record.exceptions += commit.exceptions
        records[jobId] = record
    }

    func recordState(jobId: String, _ checkpoint: JobCheckpoint) async throws {
        guard var record = records[jobId] else { throw JobError(.notFound, "no job \(jobId)") }
        // why: each state write is its own task in the engine, so an older one may arrive after a newer one
        guard checkpoint.seq > record.stateSeq else { return }
        record.stateSeq = checkpoint.seq
        record.checkpoint.state = checkpoint.state
        record.checkpoint.seq = max(record.checkpoint.seq, checkpoint.seq)
        record.checkpoint.startedAt = checkpoint.startedAt
        record.checkpoint.finishedAt = checkpoint.finishedAt
        record.checkpoint.error = checkpoint.error
        records[jobId] = record
    }

    func itemIds(jobId: String) async throws -> [String] {
        guard let record = records[jobId] else { throw JobError(.notFound, "no job \(jobId)") }
        return record.itemIds
    }

    func exceptions(jobId: String) async throws -> [ItemOutcome] {
        guard let record = records[jobId] else { throw JobError(.notFound, "no job \(jobId)") }
        return record.exceptions
    }

    func loadAll() async -> [StoredJob] {
        records.values.map { StoredJob.intact($0.definition, $0.checkpoint) } + corrupt
    }

    func close(jobId: String) async {
        records[jobId]?.closed = true
    }
}
