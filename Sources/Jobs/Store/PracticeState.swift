import Foundation
import Persistence

/// Everything the practice store holds, rebuilt from its snapshot and journal.
public struct PracticeState: JournaledState {
    public var records: [String: MedicalRecord] = [:]
    /// Record ids in insertion order, so lists and selections are stable.
    public var recordOrder: [String] = []
    public var audit: [AuditBatch] = []
    /// Every chunk each job applied, by start offset: the proof that a chunk was applied, however far the engine's
    /// own checkpoint lags behind.
    public var ledger: [String: [Int: ChunkLedgerEntry]] = [:]

    public init() {}

    public mutating func apply(_ change: PracticeChange) {
        switch change {
        case .putRecords(let list):
            for record in list {
                if records.updateValue(record, forKey: record.id) == nil { recordOrder.append(record.id) }
            }
        case .setRecordStatus(let ids, let status):
            for id in ids { records[id]?.status = status }
        case .audit(let batch):
            audit.append(batch)
        case .ledger(let jobId, let entry):
            ledger[jobId, default: [:]][entry.startOffset] = entry
        }
    }

    public static func encode(_ changes: [PracticeChange]) throws -> [UInt8] {
        try PracticeChange.encode(changes)
    }

    public static func decode(_ bytes: [UInt8]) throws -> [PracticeChange] {
        try PracticeChange.decode(bytes)
    }
}
