import Foundation
import Persistence

/// Jobs as files under `<data>/jobs/<id>/`: `definition.json` and `items.json` written once, and a journaled
/// checkpoint (`checkpoint/snapshot.json` + `checkpoint/journal.log`) updated after every chunk.
public actor FileJobStore: JobStore {
    private nonisolated let executor: BlockingIOExecutor
    public nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    private let directory: String
    private let configuration: JournaledStore<JobRecord>.Configuration
    private var open: [String: JournaledStore<JobRecord>] = [:]

    /// `directory` is the jobs folder (usually `<data>/jobs`).
    public init(directory: String, compactAfterBytes: Int = 8 << 20) {
        self.directory = directory
        self.executor = BlockingIOExecutor(label: "bulkops.jobstore")
        var configuration = JournaledStore<JobRecord>.Configuration()
        configuration.compactAfterBytes = compactAfterBytes
        self.configuration = configuration
    }

    private func folder(_ jobId: String) -> String { directory + "/" + jobId }

    private func record(_ jobId: String) throws -> JournaledStore<JobRecord> {
        if let store = open[jobId] { return store }
        let store = try JournaledStore<JobRecord>(directory: folder(jobId) + "/checkpoint", configuration: configuration)
        open[jobId] = store
        return store
    }

    public func create(_ definition: JobDefinition, itemIds: [String], checkpoint: JobCheckpoint) throws {
        let path = folder(definition.id)
        try AtomicFile.createDirectory(path)
        try AtomicFile.write(try JSONCoding.encoder.encode(itemIds), to: path + "/items.json")
        let store = try record(definition.id)
        try store.commit([.state(checkpoint)])
        // why: the definition is written last; a folder without one is a create that never finished
        try AtomicFile.write(try JSONCoding.encoder.encode(definition), to: path + "/definition.json")
    }

    public func recordChunk(jobId: String, _ commit: ChunkCommit) throws {
        try record(jobId).commit([.chunk(commit)])
    }

    public func recordState(jobId: String, _ checkpoint: JobCheckpoint) throws {
        try record(jobId).commit([.state(checkpoint)])
    }

    public func itemIds(jobId: String) throws -> [String] {
        guard let data = try AtomicFile.read(folder(jobId) + "/items.json") else {
            throw JobError(.notFound, "job \(jobId) has no item list")
        }
        return try JSONCoding.decoder.decode([String].self, from: data)
    }

    public func exceptions(jobId: String) throws -> [ItemOutcome] {
        try record(jobId).state.exceptions
    }

    public func close(jobId: String) {
        open.removeValue(forKey: jobId)?.close()
    }

    public func loadAll() -> [StoredJob] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        var found: [StoredJob] = []
        for name in names.sorted() where name.hasPrefix("job_") {
            let path = folder(name)
            let definition: JobDefinition
            do {
                guard let data = try AtomicFile.read(path + "/definition.json") else {
                    // why: the create never finished, so no client was told the job exists
                    try? FileManager.default.removeItem(atPath: path)
                    continue
                }
                definition = try JSONCoding.decoder.decode(JobDefinition.self, from: data)
            } catch {
                found.append(.corrupt(jobId: name, definition: nil, reason: "definition.json: \(error)"))
                continue
            }
            do {
                let store = try record(name)
                if store.recovery.discardedBytes > 0 {
                    FileHandle.standardError.write(Data(("job \(name): discarded a torn journal tail of "
                        + "\(store.recovery.discardedBytes) bytes\n").utf8))
                }
                found.append(.intact(definition, store.state.checkpoint))
                if store.state.checkpoint.state.isTerminal { close(jobId: name) }
            } catch {
                open.removeValue(forKey: name)
                found.append(.corrupt(jobId: name, definition: definition, reason: "checkpoint: \(error)"))
            }
        }
        return found
    }
}
