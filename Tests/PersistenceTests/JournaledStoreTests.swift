import Foundation
import Testing
@testable import Persistence

@Suite struct JournaledStoreTests {
    static let sampleCommits: [[Tally.Change]] = [
        [.add("dogs", 2), .add("cats", 1)],
        [.add("dogs", 3)],
        [.remove("cats"), .add("birds", 7)],
    ]

    static func expectedTally(_ commits: [[Tally.Change]]) -> Tally {
        var tally = Tally()
        for change in commits.joined() { tally.apply(change) }
        return tally
    }

    @Test func replayAfterReopenEqualsStateBefore() throws {
        try TemporaryDirectory.with { directory in
            let store = try JournaledStore<Tally>(directory: directory.path)
            for commit in Self.sampleCommits { try store.commit(commit) }
            try store.commit(batches: [[.add("fish", 1)], [], [.add("fish", 4)]])
            let before = store.state
            #expect(before.counts == ["dogs": 5, "birds": 7, "fish": 5])
            #expect(store.sequence == 5)
            store.close()

            let reopened = try JournaledStore<Tally>(directory: directory.path)
            defer { reopened.close() }
            #expect(reopened.state == before)
            #expect(reopened.sequence == 5)
            #expect(reopened.recovery == JournalRecovery(validRecords: 5, discardedBytes: 0, reason: nil))
            #expect(try directory.entries() == ["journal.log"])
        }
    }

    @Test func groupCommitWritesOneFramePerBatchInOrder() throws {
        try TemporaryDirectory.with { directory in
            let store = try JournaledStore<Tally>(directory: directory.path)
            try store.commit(batches: Self.sampleCommits)
            #expect(store.state == Self.expectedTally(Self.sampleCommits))
            store.close()
            let journal = try Journal(path: directory.file("journal.log"))
            defer { journal.close() }
            let frames = try journal.readAll()
            #expect(frames.count == Self.sampleCommits.count)
            let sequences = frames.map { frame in frame.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) } }
            #expect(sequences == [1, 2, 3])
        }
    }

    @Test func compactionThenCrashBeforeJournalResetDoesNotDoubleApply() throws {
        try TemporaryDirectory.with { directory in
            let journalPath = directory.file("journal.log")
            let store = try JournaledStore<Tally>(directory: directory.path)
            for commit in Self.sampleCommits { try store.commit(commit) }
            let before = store.state
            // The journal as it was when compaction wrote the snapshot and crashed before resetting it.
            let journalBeforeReset = try RawFile.bytes(journalPath)
            try store.compact()
            store.close()
            #expect(FileManager.default.fileExists(atPath: directory.file("snapshot.json")))
            try RawFile.write(journalBeforeReset, to: journalPath)

            let reopened = try JournaledStore<Tally>(directory: directory.path)
            #expect(reopened.state == before)
            #expect(reopened.state.applied == before.applied)
            #expect(reopened.skippedRecords == 3)
            #expect(reopened.sequence == 3)
            #expect(reopened.journalSizeInBytes == JournalFormat.fileHeader.count, "interrupted reset not finished")
            try reopened.commit([.add("dogs", 10)])
            reopened.close()

            let again = try JournaledStore<Tally>(directory: directory.path)
            defer { again.close() }
            #expect(again.state.counts["dogs"] == 15)
            #expect(again.sequence == 4)
            #expect(again.skippedRecords == 0)
        }
    }

    @Test func automaticCompactionKeepsTheJournalSmall() throws {
        try TemporaryDirectory.with { directory in
            let configuration = JournaledStore<Tally>.Configuration(compactAfterBytes: 256)
            let store = try JournaledStore<Tally>(directory: directory.path, configuration: configuration)
            for round in 0..<50 { try store.commit([.add("k\(round % 5)", round)]) }
            #expect(store.journalSizeInBytes < 256)
            #expect(store.lastCompactionError == nil)
            let before = store.state
            store.close()
            #expect(try directory.entries() == ["journal.log", "snapshot.json"])

            let reopened = try JournaledStore<Tally>(directory: directory.path, configuration: configuration)
            defer { reopened.close() }
            #expect(reopened.state == before)
            #expect(reopened.sequence == 50)
        }
    }

    @Test func tornJournalTailLosesOnlyTheLastCommit() throws {
        try TemporaryDirectory.with { directory in
            let store = try JournaledStore<Tally>(directory: directory.path)
            for commit in Self.sampleCommits { try store.commit(commit) }
            store.close()
            let journalPath = directory.file("journal.log")
            try RawFile.write(Array(try RawFile.bytes(journalPath).dropLast(5)), to: journalPath)

            let reopened = try JournaledStore<Tally>(directory: directory.path)
            defer { reopened.close() }
            #expect(reopened.state == Self.expectedTally(Array(Self.sampleCommits.prefix(2))))
            #expect(reopened.recovery.validRecords == 2)
            #expect(reopened.recovery.discardedBytes > 0)
            #expect(reopened.sequence == 2)
        }
    }

    @Test func corruptSnapshotThrowsTheSpecificError() throws {
        try TemporaryDirectory.with { directory in
            let snapshotPath = directory.file("snapshot.json")
            try RawFile.write(Array(#"{"format":1,"sequence":3,"sta"#.utf8), to: snapshotPath)
            do {
                _ = try JournaledStore<Tally>(directory: directory.path)
                Issue.record("opening a store with a corrupt snapshot succeeded")
            } catch JournaledStoreError.corruptSnapshot(let path, let reason) {
                #expect(path == snapshotPath)
                #expect(!reason.isEmpty)
            }
        }
    }

    @Test func missingSnapshotUnderACompactedJournalIsReported() throws {
        try TemporaryDirectory.with { directory in
            let store = try JournaledStore<Tally>(directory: directory.path)
            try store.commit([.add("dogs", 1)])
            try store.compact()
            try store.commit([.add("dogs", 1)])
            store.close()
            try FileManager.default.removeItem(atPath: directory.file("snapshot.json"))
            #expect(throws: JournaledStoreError.self) { try JournaledStore<Tally>(directory: directory.path) }
            do {
                _ = try JournaledStore<Tally>(directory: directory.path)
            } catch JournaledStoreError.corruptRecord(let index, let reason) {
                #expect(index == 0)
                #expect(reason.contains("sequence 2"))
            }
        }
    }

    @Test func undecodableFrameThrowsCorruptRecord() throws {
        try TemporaryDirectory.with { directory in
            let journal = try Journal(path: directory.file("journal.log"))
            var payload = withUnsafeBytes(of: UInt64(1).littleEndian) { Array($0) }
            payload += Array("not json".utf8)
            try journal.append(payload)
            journal.close()
            do {
                _ = try JournaledStore<Tally>(directory: directory.path)
                Issue.record("opening a store with an undecodable record succeeded")
            } catch JournaledStoreError.corruptRecord(let index, let reason) {
                #expect(index == 0)
                #expect(reason.contains("decode"))
            }
        }
    }

    @Test func emptyCommitWritesNothing() throws {
        try TemporaryDirectory.with { directory in
            let store = try JournaledStore<Tally>(directory: directory.path)
            defer { store.close() }
            try store.commit([])
            try store.commit(batches: [[], []])
            #expect(store.sequence == 0)
            #expect(store.journalSizeInBytes == JournalFormat.fileHeader.count)
        }
    }
}
