import Foundation
import Persistence

/// The journaled part of one job on disk: its checkpoint and the items that failed or were skipped.
struct JobRecord: JournaledState {
    /// One journal entry.
    enum Change: Codable, Sendable {
        /// A committed chunk (delta).
        case chunk(ChunkCommit)
        /// A state change (never moves the cursor).
        case state(JobCheckpoint)
    }

    var checkpoint = JobCheckpoint(state: .queued)
    var exceptions: [ItemOutcome] = []
    /// The seq of the newest state change applied; older ones arriving later are ignored.
    var stateSeq = 0

    init() {}

    mutating func apply(_ change: Change) {
        switch change {
        case .chunk(let commit):
            // why: the seq was published even for a re-offered chunk, so it must never go back
            checkpoint.seq = max(checkpoint.seq, commit.seq)
            // why: a chunk is applied exactly once; a record for an offset already passed is a duplicate
            guard commit.startOffset == checkpoint.cursor else { return }
            checkpoint.cursor = commit.startOffset + commit.count
            checkpoint.chunks = commit.chunkIndex + 1
            checkpoint.succeeded += commit.succeeded
            checkpoint.failed += commit.failed
            checkpoint.skipped += commit.skipped
            exceptions.append(contentsOf: commit.exceptions)
            checkpoint.seq = max(checkpoint.seq, commit.seq)
        case .state(let newer):
            checkpoint.seq = max(checkpoint.seq, newer.seq)
            guard newer.seq >= stateSeq else { return }
            stateSeq = newer.seq
            checkpoint.state = newer.state
            checkpoint.startedAt = newer.startedAt
            checkpoint.finishedAt = newer.finishedAt
            checkpoint.error = newer.error
        }
    }

    static func encode(_ changes: [Change]) throws -> [UInt8] {
        Array(try TimestampJSON.encoder.encode(changes))
    }

    static func decode(_ bytes: [UInt8]) throws -> [Change] {
        try TimestampJSON.decoder.decode([Change].self, from: Data(bytes))
    }
}
