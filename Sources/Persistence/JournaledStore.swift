import Foundation

/// A `JournaledState` kept durable in a directory: `snapshot.json` (written atomically) plus `journal.log` (the
/// changes since that snapshot, one frame per commit).
///
/// Every journal frame starts with a little-endian u64 sequence number, one more than the frame before; the
/// snapshot records the sequence of the last frame it contains.
/// why a sequence per frame rather than emptying the journal before the snapshot: compaction must write the
/// snapshot first and reset the journal second (the other order loses data in between), so a crash between the
/// two leaves a journal whose frames are already in the snapshot. On open, frames at or below the snapshot's
/// sequence are skipped, so nothing is applied twice; the numbers also reveal a missing snapshot or lost frames
/// instead of silently replaying onto the wrong base. Eight bytes per frame is the whole cost.
///
/// Not thread-safe and blocking: owned by one actor that runs on a `BlockingIOExecutor`.
public final class JournaledStore<State: JournaledState> {
    public let directory: String
    public let configuration: Configuration
    /// The current state: the snapshot plus every committed change.
    public private(set) var state: State
    /// The sequence number of the last committed frame; 0 before the first commit ever.
    public private(set) var sequence: UInt64
    /// Journal frames that opening skipped because the snapshot already contained them (an interrupted compaction).
    public let skippedRecords: Int
    /// The error of the last automatic compaction, nil once one succeeds. A failed automatic compaction does not
    /// fail the commit that triggered it (that commit is durable); the next commit past the threshold retries.
    public private(set) var lastCompactionError: (any Error)?

    private let journal: Journal
    private let snapshotPath: String

    /// What opening the journal found and discarded (a torn tail after a crash).
    public var recovery: JournalRecovery { journal.recovery }

    /// Bytes in the journal now, header included.
    public var journalSizeInBytes: Int { journal.sizeInBytes }

    /// Opens or creates the store in `directory`: loads the snapshot (a corrupt one throws
    /// `JournaledStoreError.corruptSnapshot`), then replays the journal after truncating a torn tail.
    public init(directory: String, configuration: Configuration = .init()) throws {
        try AtomicFile.createDirectory(directory)
        let snapshotPath = directory + "/snapshot.json"
        try AtomicFile.removeStaleTemporaryFiles(for: snapshotPath)
        let snapshot = try Self.loadSnapshot(snapshotPath)
        let journal = try Journal(path: directory + "/journal.log", configuration: configuration.journal)
        var state = snapshot.state
        var sequence = snapshot.sequence
        var skipped = 0
        do {
            for (index, payload) in try journal.readAll().enumerated() {
                guard payload.count >= 8 else {
                    throw JournaledStoreError.corruptRecord(
                        index: index, reason: "\(payload.count) bytes, shorter than the sequence number")
                }
                let frameSequence = payload.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
                // Frames are consecutive; the first may precede the snapshot's end (then it is skipped).
                let consecutive = index == 0 ? frameSequence <= sequence + 1 : frameSequence == sequence + 1
                guard consecutive else {
                    throw JournaledStoreError.corruptRecord(
                        index: index,
                        reason: "sequence \(frameSequence) does not follow \(sequence) (frames or snapshot missing)")
                }
                sequence = frameSequence
                if frameSequence <= snapshot.sequence {
                    skipped += 1
                    continue
                }
                let changes: [State.Change]
                do {
                    changes = try State.decode(Array(payload[8...]))
                } catch {
                    throw JournaledStoreError.corruptRecord(index: index, reason: "cannot decode: \(error)")
                }
                for change in changes { state.apply(change) }
            }
            // The snapshot holds everything in the journal: finish the compaction that a crash interrupted, so the
            // next frame (snapshot sequence + 1) is consecutive with what the journal holds.
            if skipped > 0 && sequence <= snapshot.sequence { try journal.reset() }
        } catch {
            journal.close()
            throw error
        }
        self.directory = directory
        self.configuration = configuration
        self.snapshotPath = snapshotPath
        self.journal = journal
        self.state = state
        self.sequence = max(sequence, snapshot.sequence)
        self.skippedRecords = skipped
    }

    /// Writes `changes` as ONE journal frame, makes it durable, then applies them to `state`. Compacts when the
    /// journal is at or past `compactAfterBytes`. No changes, no write.
    ///
    /// When this throws, `state` is unchanged but the frame may still have reached the disk (a failed fsync
    /// cannot say); a reopen then replays it. Callers must treat a failed commit as "unknown", not "not done".
    public func commit(_ changes: [State.Change]) throws {
        try commit(batches: [changes])
    }

    /// Writes one frame per batch with a single write and a single fsync (group commit across callers), then
    /// applies the batches in order. Empty batches are skipped.
    public func commit(batches: [[State.Change]]) throws {
        var payloads: [[UInt8]] = []
        payloads.reserveCapacity(batches.count)
        var next = sequence
        for batch in batches where !batch.isEmpty {
            next += 1
            let encoded = try State.encode(batch)
            var payload = [UInt8]()
            payload.reserveCapacity(8 + encoded.count)
            withUnsafeBytes(of: next.littleEndian) { payload.append(contentsOf: $0) }
            payload.append(contentsOf: encoded)
            payloads.append(payload)
        }
        guard !payloads.isEmpty else { return }
        try journal.append(payloads)
        sequence = next
        for batch in batches {
            for change in batch { state.apply(change) }
        }
        if journal.sizeInBytes >= configuration.compactAfterBytes {
            do {
                try compact()
            } catch {
                lastCompactionError = error
            }
        }
    }

    /// Writes `snapshot.json` atomically with the current state, then empties the journal. Safe to crash in
    /// between: see the type's documentation.
    public func compact() throws {
        let snapshot = JournaledSnapshot(
            format: JournaledSnapshot<State>.currentFormat, sequence: sequence, state: state)
        try AtomicFile.write(try JSONEncoder().encode(snapshot), to: snapshotPath)
        try journal.reset()
        lastCompactionError = nil
    }

    /// Makes every commit durable; needed only when the journal's `syncOnAppend` is false.
    public func sync() throws {
        try journal.sync()
    }

    /// Closes the journal. Later commits throw `JournalError.closed`.
    public func close() {
        journal.close()
    }

    private static func loadSnapshot(_ path: String) throws -> JournaledSnapshot<State> {
        guard let data = try AtomicFile.read(path) else {
            return JournaledSnapshot(format: JournaledSnapshot<State>.currentFormat, sequence: 0, state: State())
        }
        let snapshot: JournaledSnapshot<State>
        do {
            snapshot = try JSONDecoder().decode(JournaledSnapshot<State>.self, from: data)
        } catch {
            throw JournaledStoreError.corruptSnapshot(path: path, reason: "\(error)")
        }
        guard snapshot.format == JournaledSnapshot<State>.currentFormat else {
            throw JournaledStoreError.corruptSnapshot(path: path, reason: "unsupported format \(snapshot.format)")
        }
        return snapshot
    }
}

// why: a store is owned by one actor; say so, so nobody adds `@unchecked Sendable` to pass it around.
@available(*, unavailable)
extension JournaledStore: Sendable {}
