import Foundation
import Orchestrator
import Persistence

// why: the store journals a frame per chunk; JSONEncoder made encoding the dominant cost, so the frequent changes
// have a compact binary form. Anything else travels as tagged JSON.
extension PracticeChange {
    private enum Tag: UInt8 {
        case putRecords = 1, setRecordStatus, audit, ledger
        /// An audit batch with a reason.
        case auditWithReason
        case json = 255
    }

    static func encode(_ changes: [PracticeChange]) throws -> [UInt8] {
        var writer = BinaryWriter(capacity: 4_096)
        writer.write(varint: changes.count)
        for change in changes {
            switch change {
            case .putRecords(let records):
                writer.write(Tag.putRecords.rawValue)
                writer.write(varint: records.count)
                for record in records { record.write(to: &writer) }
            case .setRecordStatus(let ids, let status):
                writer.write(Tag.setRecordStatus.rawValue)
                writer.write(ids)
                writer.write(status.rawValue)
            case .audit(let batch):
                writer.write((batch.reason == nil ? Tag.audit : Tag.auditWithReason).rawValue)
                writer.write(batch.at)
                writer.write(batch.actor)
                writer.write(batch.action)
                writer.write(optional: batch.jobId)
                writer.write(batch.entity)
                writer.write(optional: batch.field)
                writer.write(batch.itemIds)
                writer.write(batch.before)
                writer.write(batch.after)
                if let reason = batch.reason { writer.write(reason) }
            case .ledger(let jobId, let entry):
                writer.write(Tag.ledger.rawValue)
                writer.write(jobId)
                writer.write(varint: entry.startOffset)
                writer.write(varint: entry.count)
                writer.write(varint: entry.exceptions.count)
                for outcome in entry.exceptions {
                    writer.write(outcome.itemId)
                    writer.write(outcome.status.rawValue)
                    writer.write(optional: outcome.reason)
                }
            case .putStaff, .putClients, .putPatients, .putAppointments, .putBilling, .putAccounts, .putTemplates,
                 .putMessages, .remove:
                writer.write(Tag.json.rawValue)
                writer.write(raw: Array(try JSONEncoder().encode(change)))
            }
        }
        return writer.bytes
    }

    static func decode(_ bytes: [UInt8]) throws -> [PracticeChange] {
        var reader = BinaryReader(bytes)
        let count = try reader.readLength()
        var changes: [PracticeChange] = []
        changes.reserveCapacity(count)
        for _ in 0..<count {
            let raw = try reader.readByte()
            guard let tag = Tag(rawValue: raw) else {
                throw BinaryReader.Error.invalid(offset: reader.offset, reason: "unknown change tag \(raw)")
            }
            switch tag {
            case .putRecords:
                let n = try reader.readLength()
                var records: [MedicalRecord] = []
                records.reserveCapacity(n)
                for _ in 0..<n { records.append(try MedicalRecord(from: &reader)) }
                changes.append(.putRecords(records))
            case .setRecordStatus:
                let ids = try reader.readStrings()
                changes.append(.setRecordStatus(ids: ids, status: try MedicalRecord.Status(reading: &reader)))
            case .audit, .auditWithReason:
                var batch = AuditBatch(at: try reader.readString(), actor: try reader.readString(),
                                       action: try reader.readString(), jobId: try reader.readOptionalString(),
                                       entity: try reader.readString(), field: try reader.readOptionalString(),
                                       itemIds: try reader.readStrings(), before: try reader.readStrings(),
                                       after: try reader.readStrings())
                if tag == .auditWithReason { batch.reason = try reader.readString() }
                changes.append(.audit(batch))
            case .ledger:
                let jobId = try reader.readString()
                let start = try reader.readVarint()
                let total = try reader.readVarint()
                let n = try reader.readLength()
                var exceptions: [ItemOutcome] = []
                for _ in 0..<n {
                    let id = try reader.readString()
                    let statusText = try reader.readString()
                    guard let status = ItemOutcome.Status(rawValue: statusText) else {
                        throw BinaryReader.Error.invalid(offset: reader.offset, reason: "item status \(statusText)")
                    }
                    exceptions.append(ItemOutcome(itemId: id, status: status, reason: try reader.readOptionalString()))
                }
                changes.append(.ledger(jobId: jobId, ChunkLedgerEntry(startOffset: start, count: total, exceptions: exceptions)))
            case .json:
                changes.append(try JSONDecoder().decode(PracticeChange.self, from: Data(try reader.readRaw())))
            }
        }
        return changes
    }
}

extension MedicalRecord.Status {
    init(reading reader: inout BinaryReader) throws {
        let text = try reader.readString()
        guard let status = Self(rawValue: text) else {
            throw BinaryReader.Error.invalid(offset: reader.offset, reason: "record status \(text)")
        }
        self = status
    }
}

extension MedicalRecord {
    func write(to writer: inout BinaryWriter) {
        writer.write(id)
        writer.write(patientId)
        writer.write(vetId)
        writer.write(date)
        writer.write(template)
        writer.write(status.rawValue)
        writer.write(tags)
        writer.write(subjective)
        writer.write(objective)
        writer.write(assessment)
        writer.write(plan)
        writer.write(billed)
        writer.write(optional: deletedAt)
    }

    init(from reader: inout BinaryReader) throws {
        self.init(id: try reader.readString(), patientId: try reader.readString(), vetId: try reader.readString(),
                  date: try reader.readString(), template: try reader.readString(),
                  status: try Status(reading: &reader), tags: try reader.readStrings(),
                  subjective: try reader.readString(), objective: try reader.readString(),
                  assessment: try reader.readString(), plan: try reader.readString(), billed: try reader.readBool(),
                  deletedAt: try reader.readOptionalString())
    }
}
