import Orchestrator

/// What deleting or restoring a row does to the rows that depend on it: a deleted patient's active appointments
/// become `patientDeleted` (their slots free) and its bills `orphaned`; a deleted record's bill becomes `orphaned`
/// too; a restore puts them back as they were.
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
            var out: [PracticeChange] = []
            if !changed.isEmpty {
                out += [.putAppointments(changed),
                        .audit(batch(action, Appointment.entity, changed.map(\.id),
                                     before: changed.map { status($0.statusBeforePatientDeleted?.rawValue) },
                                     after: status(Appointment.Status.patientDeleted.rawValue)))]
            }
            let bills = state.billing.all.filter { $0.patientId == id && $0.status != .orphaned && $0.deletedAt == nil }
            return out + orphan(bills, action: action)
        case MedicalRecord.entity:
            guard let bill = state.billing[BillingEntry.id(forRecord: id)], bill.status != .orphaned else { return [] }
            return orphan([bill], action: action)
        default:
            return []
        }
    }

    private static func orphan(_ bills: [BillingEntry], action: String) -> [PracticeChange] {
        guard !bills.isEmpty else { return [] }
        let changed = bills.map { bill in
            var row = bill
            row.statusBeforeOrphaned = bill.status
            row.status = .orphaned
            return row
        }
        return [.putBilling(changed),
                .audit(batch(action, BillingEntry.entity, changed.map(\.id),
                             before: bills.map { status($0.status.rawValue) },
                             after: status(BillingEntry.Status.orphaned.rawValue)))]
    }

    private static func unorphan(_ bills: [BillingEntry], action: String) -> [PracticeChange] {
        guard !bills.isEmpty else { return [] }
        let changed = bills.map { bill in
            var row = bill
            row.status = bill.statusBeforeOrphaned ?? .open
            row.statusBeforeOrphaned = nil
            return row
        }
        return [.putBilling(changed),
                .audit(batch(action, BillingEntry.entity, changed.map(\.id),
                             before: bills.map { _ in status(BillingEntry.Status.orphaned.rawValue) },
                             after: changed.map { status($0.status.rawValue) }))]
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
            var out: [PracticeChange] = []
            if !changed.isEmpty {
                out += [.putAppointments(changed),
                        .audit(batch(action, Appointment.entity, changed.map(\.id),
                                     before: changed.map { _ in status(Appointment.Status.patientDeleted.rawValue) },
                                     after: changed.map { status($0.status.rawValue) }))]
            }
            // why: a bill whose record is still deleted stays orphaned
            let bills = state.billing.all.filter { bill in
                bill.patientId == id && bill.status == .orphaned && state.records[bill.recordId]?.deletedAt == nil
            }
            return out + unorphan(bills, action: action)
        case MedicalRecord.entity:
            guard let bill = state.billing[BillingEntry.id(forRecord: id)], bill.status == .orphaned,
                  state.patients[bill.patientId]?.deletedAt == nil else { return [] }
            return unorphan([bill], action: action)
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
