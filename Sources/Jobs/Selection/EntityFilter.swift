import Foundation
import Orchestrator

/// The filter language of entity lists and selections: field equality (`status=draft`; a list field matches when it
/// contains the value; a JSON array of values matches any of them), `ids` (comma-separated or an array), `from` /
/// `to` on the entity's date (a date alone covers that whole day), and `q`, a case-insensitive name search.
public struct EntityFilter: Sendable {
    public static let common: Set<String> = ["ids", "from", "to", "q"]

    /// Values an enumerated field accepts, by `entity.field`; anything else answers 400.
    static let enumerations: [String: [String]] = [
        "records.status": MedicalRecord.Status.allCases.map(\.rawValue),
        "appointments.status": Appointment.Status.allCases.map(\.rawValue),
        "billing.status": BillingEntry.Status.allCases.map(\.rawValue),
        "staff.role": StaffMember.Role.allCases.map(\.rawValue),
        "clients.preferredContact": Client.Contact.allCases.map(\.rawValue),
        "messages.status": Message.Status.allCases.map(\.rawValue),
        "patients.species": Patient.species,
    ]

    public let entity: String
    private var equals: [(field: String, values: Set<String>)] = []
    private var ids: Set<String>?
    private var from: String?
    private var to: String?
    /// `to` as an exclusive bound, when it was a date alone.
    private var before: String?
    private var query: String?

    /// Throws `JobError.badRequest` naming an unknown field or a value of the wrong type.
    public init(_ filter: [String: JSONValue], entity type: any PracticeEntity.Type) throws {
        entity = type.entity
        let allowed = type.filterFields.union(Self.common)
        for key in filter.keys.sorted() {
            let value = filter[key] ?? .null
            guard allowed.contains(key), key != "from" && key != "to" || type.dateField != nil else {
                throw JobError(.badRequest, "unknown filter field \"\(key)\" for \(entity)",
                               details: ["field": .string(key), "allowed": .array(allowed.sorted().map { .string($0) })])
            }
            let texts: [String]
            switch value {
            case .string(let string): texts = key == "ids" ? string.split(separator: ",").map(String.init) : [string]
            case .bool(let flag): texts = [flag ? "true" : "false"]
            case .number(let number): texts = [filterText(number)]
            case .array(let list) where key != "from" && key != "to" && key != "q":
                texts = try list.map { item in
                    guard let text = item.stringValue ?? item.doubleValue.map(filterText) ?? item.boolValue.map({ "\($0)" })
                    else { throw JobError(.badRequest, "filter field \"\(key)\" holds a non-scalar value", details: ["field": .string(key)]) }
                    return text
                }
            default:
                throw JobError(.badRequest, "filter field \"\(key)\" must be a string", details: ["field": .string(key)])
            }
            switch key {
            case "ids": ids = Set(texts)
            case "q": query = texts.first?.lowercased()
            case "from":
                guard let date = Timestamp.parse(texts[0]) else { throw Self.badDate(key, texts[0]) }
                from = Timestamp.string(date)
            case "to":
                guard let date = Timestamp.parse(texts[0]) else { throw Self.badDate(key, texts[0]) }
                if texts[0].count == 10 { before = Timestamp.string(date.addingTimeInterval(86_400)) } else { to = Timestamp.string(date) }
            default:
                if let allowedValues = Self.enumerations[entity + "." + key], let bad = texts.first(where: { !allowedValues.contains($0) }) {
                    throw JobError(.badRequest, "\(key) must be one of \(allowedValues.joined(separator: ", "))",
                                   details: ["field": .string(key), "value": .string(bad)])
                }
                equals.append((key, Set(texts)))
            }
        }
    }

    private static func badDate(_ key: String, _ text: String) -> JobError {
        JobError(.badRequest, "\(key) must be an RFC 3339 time or a date (YYYY-MM-DD)",
                 details: ["field": .string(key), "value": .string(text)])
    }

    /// Whether `row` passes; soft-deleted rows pass only with `includeDeleted`.
    public func matches<Row: PracticeEntity>(_ row: Row, in state: PracticeState, includeDeleted: Bool = false) -> Bool {
        if !includeDeleted, row.deletedAt != nil { return false }
        if let ids, !ids.contains(row.id) { return false }
        for (field, values) in equals where !row.filterValues(field).contains(where: values.contains) { return false }
        if from != nil || to != nil || before != nil {
            guard let date = row.filterDate.map(Self.canonical) else { return false }
            if let from, date < from { return false }
            if let to, date > to { return false }
            if let before, date >= before { return false }
        }
        if let query, !row.searchText(in: state).contains(query) { return false }
        return true
    }

    /// Dates stored as a day alone compare as that day's midnight.
    private static func canonical(_ text: String) -> String {
        text.count == 10 ? text + "T00:00:00.000000Z" : text
    }
}

extension PracticeState {
    /// The rows of `entity` matching `filter`, in store order.
    public func matching(_ entity: String, filter: [String: JSONValue], includeDeleted: Bool = false) throws
        -> [any PracticeEntity] {
        guard let type = Self.entities[entity] else {
            throw JobError(.notFound, "no entity \"\(entity)\"", details: ["entity": .string(entity)])
        }
        let parsed = try EntityFilter(filter, entity: type)
        return matching(type, parsed, includeDeleted: includeDeleted)
    }

    private func matching<Row: PracticeEntity>(_ type: Row.Type, _ filter: EntityFilter, includeDeleted: Bool)
        -> [any PracticeEntity] {
        let table = self[keyPath: Row.table]
        var out: [any PracticeEntity] = []
        for id in table.order {
            if let row = table[id], filter.matches(row, in: self, includeDeleted: includeDeleted) { out.append(row) }
        }
        return out
    }

    /// The ids of the rows of `Row` matching `filter` (soft-deleted rows never match).
    public func matchingIds<Row: PracticeEntity>(_ type: Row.Type, _ filter: EntityFilter) -> [String] {
        let table = self[keyPath: Row.table]
        return table.order.filter { id in table[id].map { filter.matches($0, in: self) } ?? false }
    }
}
