/// One journaled change to the practice store.
public enum PracticeChange: Codable, Sendable {
    /// Insert or replace whole records.
    case putRecords([MedicalRecord])
    /// Set the status of records.
    case setRecordStatus(ids: [String], status: MedicalRecord.Status)
    /// Append audit entries.
    case audit(AuditBatch)
    /// Remember the last chunk a job applied.
    case ledger(jobId: String, ChunkLedgerEntry)
}
