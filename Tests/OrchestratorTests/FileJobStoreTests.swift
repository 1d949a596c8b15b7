import Foundation
import Orchestrator
import Testing

/// The file-backed job store: what it writes comes back after a restart, a torn journal tail is cut off, and a
/// job whose checkpoint is corrupt comes back failed while the others carry on.
@Suite struct FileJobStoreTests {
    let directory = NSTemporaryDirectory() + "bulkops-jobstore-" + UUID().uuidString

    func definition(_ id: String, total: Int) -> JobDefinition {
        JobDefinition(id: id, kind: "test.touch", selection: Selection(entity: "things", ids: []), params: [:],
                      createdBy: "tester", createdAt: Date(timeIntervalSince1970: 1_800_000_000), scheduledFor: nil,
                      chunkSize: 2, maxItemsPerSecond: nil, total: total, queueOnConflict: false)
    }

    func running(_ seq: Int) -> JobCheckpoint {
        var checkpoint = JobCheckpoint(state: .running)
        checkpoint.seq = seq
        return checkpoint
    }

    @Test func whatIsWrittenComesBackAfterARestart() async throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let ids = ["plain", "with \"quotes\"", "back\\slash", "tab\there", "ünïcødé", "😀"]
        let store = FileJobStore(directory: directory)
        try await store.create(definition("job_a", total: ids.count), itemIds: ids, checkpoint: running(1))
        try await store.recordChunk(jobId: "job_a", ChunkCommit(chunkIndex: 0, startOffset: 0,
                                                               outcomes: [.succeeded(ids[0]), .failed(ids[1], "locked")], seq: 2))
        try await store.recordChunk(jobId: "job_a", ChunkCommit(chunkIndex: 1, startOffset: 2,
                                                               outcomes: [.skipped(ids[2], "already"), .succeeded(ids[3])], seq: 3))
        // why: a duplicate of an applied chunk (re-offered after a crash) must not count twice
        try await store.recordChunk(jobId: "job_a", ChunkCommit(chunkIndex: 1, startOffset: 2,
                                                               outcomes: [.skipped(ids[2], "already"), .succeeded(ids[3])], seq: 4))
        await store.close(jobId: "job_a")

        let reopened = FileJobStore(directory: directory)
        let found = await reopened.loadAll()
        #expect(found.count == 1)
        guard case .intact(let loaded, let checkpoint) = found.first else {
            Issue.record("job not intact: \(found)")
            return
        }
        #expect(loaded == definition("job_a", total: ids.count))
        #expect(checkpoint.cursor == 4)
        #expect(checkpoint.chunks == 2)
        #expect(checkpoint.succeeded == 2 && checkpoint.failed == 1 && checkpoint.skipped == 1)
        #expect(checkpoint.seq == 4)
        #expect(try await reopened.itemIds(jobId: "job_a") == ids)
        #expect(try await reopened.exceptions(jobId: "job_a") == [.failed(ids[1], "locked"), .skipped(ids[2], "already")])
    }

    @Test func aTornJournalTailIsCutAndTheJobKeepsItsLastWholeChunk() async throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = FileJobStore(directory: directory)
        try await store.create(definition("job_t", total: 4), itemIds: ["a", "b", "c", "d"], checkpoint: running(1))
        try await store.recordChunk(jobId: "job_t", ChunkCommit(chunkIndex: 0, startOffset: 0,
                                                               outcomes: [.succeeded("a"), .succeeded("b")], seq: 2))
        await store.close(jobId: "job_t")
        let journal = directory + "/job_t/checkpoint/journal.log"
        let handle = try #require(FileHandle(forWritingAtPath: journal))
        handle.seekToEndOfFile()
        handle.write(Data([0x40, 0, 0, 0, 0xDE, 0xAD, 0xBE, 0xEF, 1, 2, 3]))  // a frame that never finished
        handle.closeFile()

        let found = await FileJobStore(directory: directory).loadAll()
        guard case .intact(_, let checkpoint) = found.first else {
            Issue.record("job not intact: \(found)")
            return
        }
        #expect(checkpoint.cursor == 2)
        #expect(checkpoint.state == .running)
    }

    @Test func aCorruptCheckpointFailsThatJobAndTheOthersRunOn() async throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let setup = FileJobStore(directory: directory)
        try await setup.create(definition("job_bad", total: 4), itemIds: ["a", "b", "c", "d"], checkpoint: running(1))
        try await setup.create(definition("job_good", total: 4), itemIds: ["w", "x", "y", "z"], checkpoint: running(1))
        try await setup.recordChunk(jobId: "job_good", ChunkCommit(chunkIndex: 0, startOffset: 0,
                                                                  outcomes: [.succeeded("w"), .succeeded("x")], seq: 2))
        await setup.close(jobId: "job_bad")
        await setup.close(jobId: "job_good")
        try Data("{ this is not a snapshot".utf8).write(to: URL(fileURLWithPath: directory + "/job_bad/checkpoint/snapshot.json"))

        let log = LogSink()
        let operation = TestOperation()
        let supervisor = JobSupervisor(store: FileJobStore(directory: directory), operations: [operation],
                                       log: { log.append($0) })
        let problems = await supervisor.recover()
        #expect(problems.map(\.jobId) == ["job_bad"])
        #expect(await supervisor.job("job_bad")?.state == .failed)
        #expect(await supervisor.job("job_bad")?.error?.contains("checkpoint") == true)
        #expect(log.all.contains { $0.contains("job_bad") })
        #expect(await eventually { await supervisor.job("job_good")?.state == .succeeded })
        // why: the good job resumed from its cursor: only the second half was offered to the operation
        #expect(operation.calls.flatMap(\.itemIds) == ["y", "z"])
    }
}
