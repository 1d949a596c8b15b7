import Foundation
import Orchestrator

/// One append-only audit line: who did what to which item, with the value before and after (the changed fields
/// as a JSON object) and, when the operator gave one, the reason.
public struct AuditEntry: Codable, Sendable, Equatable {
    public var at: String
    public var actor: String
    public var action: String
    public var jobId: String?
    public var entity: String
    public var itemId: String?
    public var field: String?
    public var before: String?
    public var after: String?
    public var reason: String?

    private enum CodingKeys: String, CodingKey {
        case at, actor, action, jobId, entity, itemId, field, before, after, reason
    }

    // why: before and after are stored as JSON text; clients get them as JSON values, and every key, null or not
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(at, forKey: .at)
        try container.encode(actor, forKey: .actor)
        try container.encode(action, forKey: .action)
        try container.encode(jobId, forKey: .jobId)
        try container.encode(entity, forKey: .entity)
        try container.encode(itemId, forKey: .itemId)
        try container.encode(field, forKey: .field)
        try container.encode(Self.value(before), forKey: .before)
        try container.encode(Self.value(after), forKey: .after)
        try container.encode(reason, forKey: .reason)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        at = try container.decode(String.self, forKey: .at)
        actor = try container.decode(String.self, forKey: .actor)
        action = try container.decode(String.self, forKey: .action)
        jobId = try container.decodeIfPresent(String.self, forKey: .jobId)
        entity = try container.decode(String.self, forKey: .entity)
        itemId = try container.decodeIfPresent(String.self, forKey: .itemId)
        field = try container.decodeIfPresent(String.self, forKey: .field)
        before = Self.text(try container.decodeIfPresent(JSONValue.self, forKey: .before))
        after = Self.text(try container.decodeIfPresent(JSONValue.self, forKey: .after))
        reason = try container.decodeIfPresent(String.self, forKey: .reason)
    }

    public init(at: String, actor: String, action: String, jobId: String?, entity: String, itemId: String?,
                field: String?, before: String?, after: String?, reason: String? = nil) {
        self.at = at
        self.actor = actor
        self.action = action
        self.jobId = jobId
        self.entity = entity
        self.itemId = itemId
        self.field = field
        self.before = before
        self.after = after
        self.reason = reason
    }

    static func value(_ text: String?) -> JSONValue {
        guard let text else { return .null }
        if text.hasPrefix("{") || text.hasPrefix("["), let value = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)) {
            return value
        }
        return .string(text)
    }

    static func text(_ value: JSONValue?) -> String? {
        switch value {
        case nil, .null?: return nil
        case .string(let text)?: return text
        case let other?: return (try? JSONEncoder().encode(other)).map { String(decoding: $0, as: UTF8.self) }
        }
    }
}
