import Orchestrator

/// The filter language of record lists and record selections: field equality, `ids`, `from`/`to` on the date,
/// `tag`, and `q` (a case-insensitive search).
public struct RecordFilter: Sendable {
    public static let fields: Set<String> = ["status", "vetId", "patientId", "template", "tag", "ids", "from", "to", "q",
                                            "billed"]

    private var equals: [String: String] = [:]
    private var ids: Set<String>?
    private var from: String?
    private var to: String?
    private var query: String?
    private var tag: String?

    /// Throws `JobError.badRequest` naming an unknown field or a value of the wrong type.
    public init(_ filter: [String: JSONValue]) throws {
        for (key, value) in filter {
            guard Self.fields.contains(key) else {
                throw JobError(.badRequest, "unknown filter field \"\(key)\" for records",
                               details: ["field": .string(key), "allowed": .array(Self.fields.sorted().map { .string($0) })])
            }
            let text: String
            switch value {
            case .string(let string): text = string
            case .bool(let flag): text = flag ? "true" : "false"
            case .number: text = value.intValue.map(String.init) ?? "\(value.doubleValue ?? 0)"
            case .array(let list) where key == "ids":
                ids = Set(list.compactMap(\.stringValue))
                continue
            default:
                throw JobError(.badRequest, "filter field \"\(key)\" must be a string", details: ["field": .string(key)])
            }
            switch key {
            case "ids": ids = Set(text.split(separator: ",").map(String.init))
            case "from": from = text
            case "to": to = text
            case "q": query = text.lowercased()
            case "tag": tag = text
            case "status":
                guard MedicalRecord.Status(rawValue: text) != nil else {
                    throw JobError(.badRequest, "status must be one of draft, finalized, archived",
                                   details: ["field": "status", "value": .string(text)])
                }
                equals[key] = text
            default: equals[key] = text
            }
        }
    }

    public func matches(_ record: MedicalRecord) -> Bool {
        if record.deletedAt != nil { return false }
        if let ids, !ids.contains(record.id) { return false }
        for (key, value) in equals {
            switch key {
            case "status": if record.status.rawValue != value { return false }
            case "vetId": if record.vetId != value { return false }
            case "patientId": if record.patientId != value { return false }
            case "template": if record.template != value { return false }
            case "billed": if String(record.billed) != value { return false }
            default: return false
            }
        }
        if let tag, !record.tags.contains(tag) { return false }
        if let from, record.date < from { return false }
        if let to, record.date > to { return false }
        if let query {
            let haystack = (record.id + " " + record.patientId + " " + record.template + " " + record.assessment).lowercased()
            if !haystack.contains(query) { return false }
        }
        return true
    }
}
