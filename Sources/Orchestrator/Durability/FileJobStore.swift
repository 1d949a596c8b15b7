import Foundation
import Persistence

/// Jobs as files under `<data>/jobs/<id>/`: `definition.json` and `items.json` written once, and a journaled
/// checkpoint (`checkpoint/snapshot.json` + `checkpoint/journal.log`) appended after every chunk.
///
/// Chunk records are written at once (a killed process loses none) but fsynced as a group, at most
/// `syncInterval` apart; state changes are fsynced before they are acknowledged. That is safe because a
/// `BulkOperation` makes each chunk durable with its own ledger: after a power loss the engine re-offers the chunks
/// its checkpoint had not synced, and the operation answers them from the ledger instead of applying them again.
public actor FileJobStore: JobStore {
    private nonisolated let executor: BlockingIOExecutor
    public nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    private let directory: String
    private let configuration: JournaledStore<JobRecord>.Configuration
    private var open: [String: JournaledStore<JobRecord>] = [:]
    private var lastSync: [String: Date] = [:]
    private let syncInterval: TimeInterval

    /// `directory` is the jobs folder (usually `<data>/jobs`).
    public init(directory: String, compactAfterBytes: Int = 8 << 20, syncInterval: TimeInterval = 0.05) {
        self.directory = directory
        self.syncInterval = syncInterval
        self.executor = BlockingIOExecutor(label: "bulkops.jobstore")
        var configuration = JournaledStore<JobRecord>.Configuration()
        configuration.compactAfterBytes = compactAfterBytes
        configuration.journal.syncOnAppend = false
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
        try AtomicFile.write(ItemListFile.encode(itemIds), to: path + "/items.json")
        let store = try record(definition.id)
        try store.commit([.state(checkpoint)])
        try store.sync()
        // why: the definition is written last; a folder without one is a create that never finished
        try AtomicFile.write(try TimestampJSON.encoder.encode(definition), to: path + "/definition.json")
    }

    public func recordChunk(jobId: String, _ commit: ChunkCommit) throws {
        let store = try record(jobId)
        try store.commit([.chunk(commit)])
        let now = Date()
        if now.timeIntervalSince(lastSync[jobId] ?? .distantPast) >= syncInterval {
            try store.sync()
            lastSync[jobId] = now
        }
    }

    public func recordState(jobId: String, _ checkpoint: JobCheckpoint) throws {
        let store = try record(jobId)
        try store.commit([.state(checkpoint)])
        try store.sync()
        lastSync[jobId] = Date()
    }

    public func itemIds(jobId: String) throws -> [String] {
        guard let data = try AtomicFile.read(folder(jobId) + "/items.json") else {
            throw JobError(.notFound, "job \(jobId) has no item list")
        }
        return try TimestampJSON.decoder.decode([String].self, from: data)
    }

    public func exceptions(jobId: String) throws -> [ItemOutcome] {
        try record(jobId).state.exceptions
    }

    public func close(jobId: String) {
        lastSync.removeValue(forKey: jobId)
        guard let store = open.removeValue(forKey: jobId) else { return }
        try? store.sync()
        store.close()
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
                definition = try TimestampJSON.decoder.decode(JobDefinition.self, from: data)
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
