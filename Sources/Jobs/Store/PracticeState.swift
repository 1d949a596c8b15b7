import Foundation
import Persistence

/// Everything the practice store holds, rebuilt from its snapshot and journal.
public struct PracticeState: JournaledState {
    public var staff = EntityTable<StaffMember>()
    public var clients = EntityTable<Client>()
    public var patients = EntityTable<Patient>()
    public var appointments = EntityTable<Appointment>()
    public var records = EntityTable<MedicalRecord>()
    public var billing = EntityTable<BillingEntry>()
    public var accounts = EntityTable<Account>()
    public var templates = EntityTable<MessageTemplate>()
    public var messages = EntityTable<Message>()
    public var audit: [AuditBatch] = []
    /// Every chunk each job applied, by start offset: the proof that a chunk was applied, however far the engine's
    /// own checkpoint lags behind.
    public var ledger: [String: [Int: ChunkLedgerEntry]] = [:]

    /// The entities lists and selections know, by API name.
    public static let entities: [String: any PracticeEntity.Type] = [
        StaffMember.entity: StaffMember.self, Client.entity: Client.self, Patient.entity: Patient.self,
        Appointment.entity: Appointment.self, MedicalRecord.entity: MedicalRecord.self,
        BillingEntry.entity: BillingEntry.self, Account.entity: Account.self,
        MessageTemplate.entity: MessageTemplate.self, Message.entity: Message.self,
    ]

    public init() {}

    public mutating func apply(_ change: PracticeChange) {
        switch change {
        case .putRecords(let list): records.put(list)
        case .setRecordStatus(let ids, let status):
            for id in ids { records.update(id) { $0.status = status } }
        case .audit(let batch): audit.append(batch)
        case .ledger(let jobId, let entry): ledger[jobId, default: [:]][entry.startOffset] = entry
        case .putStaff(let list): staff.put(list)
        case .putClients(let list): clients.put(list)
        case .putPatients(let list): patients.put(list)
        case .putAppointments(let list): appointments.put(list)
        case .putBilling(let list): billing.put(list)
        case .putAccounts(let list): accounts.put(list)
        case .putTemplates(let list): templates.put(list)
        case .putMessages(let list): messages.put(list)
        case .remove(let entity, let ids):
            switch entity {
            case StaffMember.entity: staff.remove(ids)
            case Client.entity: clients.remove(ids)
            case Patient.entity: patients.remove(ids)
            case Appointment.entity: appointments.remove(ids)
            case MedicalRecord.entity: records.remove(ids)
            case BillingEntry.entity: billing.remove(ids)
            case Account.entity: accounts.remove(ids)
            case MessageTemplate.entity: templates.remove(ids)
            case Message.entity: messages.remove(ids)
            default: break
            }
        }
    }

    /// The row `id` of `entity`, soft-deleted or not.
    public func row(_ entity: String, _ id: String) -> (any PracticeEntity)? {
        guard let type = Self.entities[entity] else { return nil }
        return row(type, id)
    }

    private func row<Row: PracticeEntity>(_ type: Row.Type, _ id: String) -> (any PracticeEntity)? {
        self[keyPath: Row.table][id]
    }

    public static func encode(_ changes: [PracticeChange]) throws -> [UInt8] {
        try PracticeChange.encode(changes)
    }

    public static func decode(_ bytes: [UInt8]) throws -> [PracticeChange] {
        try PracticeChange.decode(bytes)
    }

    // why: snapshots written before the other entities existed hold only records, audit and ledger
    private enum CodingKeys: String, CodingKey {
        case staff, clients, patients, appointments, records, billing, accounts, templates, messages, audit, ledger
        case recordOrder
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        func table<Row>(_ key: CodingKeys) throws -> EntityTable<Row> {
            try container.decodeIfPresent(EntityTable<Row>.self, forKey: key) ?? EntityTable<Row>()
        }
        staff = try table(.staff)
        clients = try table(.clients)
        patients = try table(.patients)
        appointments = try table(.appointments)
        billing = try table(.billing)
        accounts = try table(.accounts)
        templates = try table(.templates)
        messages = try table(.messages)
        if let order = try container.decodeIfPresent([String].self, forKey: .recordOrder) {
            let old = try container.decode([String: MedicalRecord].self, forKey: .records)
            records.put(order.compactMap { old[$0] })
        } else {
            records = try table(.records)
        }
        audit = try container.decodeIfPresent([AuditBatch].self, forKey: .audit) ?? []
        ledger = try container.decodeIfPresent([String: [Int: ChunkLedgerEntry]].self, forKey: .ledger) ?? [:]
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(staff, forKey: .staff)
        try container.encode(clients, forKey: .clients)
        try container.encode(patients, forKey: .patients)
        try container.encode(appointments, forKey: .appointments)
        try container.encode(records, forKey: .records)
        try container.encode(billing, forKey: .billing)
        try container.encode(accounts, forKey: .accounts)
        try container.encode(templates, forKey: .templates)
        try container.encode(messages, forKey: .messages)
        try container.encode(audit, forKey: .audit)
        try container.encode(ledger, forKey: .ledger)
    }
}
