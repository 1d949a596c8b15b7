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
    /// Insert or replace rows of the other entities.
    case putStaff([StaffMember])
    case putClients([Client])
    case putPatients([Patient])
    case putAppointments([Appointment])
    case putBilling([BillingEntry])
    case putAccounts([Account])
    case putTemplates([MessageTemplate])
    case putMessages([Message])
    /// Remove rows for good (hard delete, purge of soft-deleted rows).
    case remove(entity: String, ids: [String])
}
