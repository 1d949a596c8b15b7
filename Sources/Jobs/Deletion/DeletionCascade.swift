import Orchestrator

/// What deleting or restoring a row does to the rows that depend on it: a deleted patient's active appointments
/// become `patientDeleted` (their slots free), a deleted record's bill becomes `orphaned`; a restore puts both
/// back as they were.
enum DeletionCascade {
    /// The dependent changes of deleting `entity` row `id`, each with its audit batch (stamped by the caller).
    static func onDelete(_ entity: String, _ id: String, in state: PracticeState, action: String) -> [PracticeChange] {
        switch entity {
        case Patient.entity:
            var changed: [Appointment] = []
            for appointment in state.appointments.all where appointment.patientId == id && appointment.status.holdsSlot {
                var row = appointment
                row.statusBeforePatientDeleted = row.status
                row.status = .patientDeleted
                changed.append(row)
            }
            guard !changed.isEmpty else { return [] }
            return [.putAppointments(changed),
                    .audit(batch(action, Appointment.entity, changed.map(\.id),
                                 before: changed.map { status($0.statusBeforePatientDeleted?.rawValue) },
                                 after: status(Appointment.Status.patientDeleted.rawValue)))]
        case MedicalRecord.entity:
            guard var bill = state.billing[BillingEntry.id(forRecord: id)], bill.status != .orphaned else { return [] }
            let old = bill.status
            bill.statusBeforeOrphaned = old
            bill.status = .orphaned
            return [.putBilling([bill]),
                    .audit(batch(action, BillingEntry.entity, [bill.id], before: [status(old.rawValue)],
                                 after: status(BillingEntry.Status.orphaned.rawValue)))]
        default:
            return []
        }
    }

    /// The dependent changes of restoring `entity` row `id`.
    static func onRestore(_ entity: String, _ id: String, in state: PracticeState, action: String) -> [PracticeChange] {
        switch entity {
        case Patient.entity:
            var changed: [Appointment] = []
            for appointment in state.appointments.all where appointment.patientId == id && appointment.status == .patientDeleted {
                var row = appointment
                row.status = row.statusBeforePatientDeleted ?? .scheduled
                row.statusBeforePatientDeleted = nil
                changed.append(row)
            }
            guard !changed.isEmpty else { return [] }
            return [.putAppointments(changed),
                    .audit(batch(action, Appointment.entity, changed.map(\.id),
                                 before: changed.map { _ in status(Appointment.Status.patientDeleted.rawValue) },
                                 after: changed.map { status($0.status.rawValue) }))]
        case MedicalRecord.entity:
            guard var bill = state.billing[BillingEntry.id(forRecord: id)], bill.status == .orphaned else { return [] }
            bill.status = bill.statusBeforeOrphaned ?? .open
            bill.statusBeforeOrphaned = nil
            return [.putBilling([bill]),
                    .audit(batch(action, BillingEntry.entity, [bill.id],
                                 before: [status(BillingEntry.Status.orphaned.rawValue)], after: [status(bill.status.rawValue)]))]
        default:
            return []
        }
    }

    private static func status(_ value: String?) -> String {
        OperationCore.jsonText(["status": value.map(JSONValue.string) ?? .null])
    }

    private static func batch(_ action: String, _ entity: String, _ ids: [String], before: [String], after: String)
        -> AuditBatch {
        batch(action, entity, ids, before: before, after: Array(repeating: after, count: ids.count))
    }

    private static func batch(_ action: String, _ entity: String, _ ids: [String], before: [String], after: [String])
        -> AuditBatch {
        AuditBatch(at: "", actor: "", action: action, jobId: nil, entity: entity, field: nil, itemIds: ids,
                   before: before, after: after)
    }
}
