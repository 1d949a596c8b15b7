/// A message template with `{{variables}}`.
public struct MessageTemplate: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    /// `email` or `sms`.
    public var channel: String
    public var subject: String?
    public var body: String
    public var deletedAt: String?

    public init(id: String, name: String, channel: String, subject: String?, body: String, deletedAt: String? = nil) {
        self.id = id
        self.name = name
        self.channel = channel
        self.subject = subject
        self.body = body
        self.deletedAt = deletedAt
    }

    /// Replaces each `{{name}}` with its value; unknown variables are left as they are.
    public func render(_ text: String, _ values: [String: String]) -> String {
        var out = text
        for (name, value) in values { out = out.replacingOccurrences(of: "{{" + name + "}}", with: value) }
        return out
    }
}

extension MessageTemplate: PracticeEntity {
    public static let entity = "templates"
    public static let filterFields: Set<String> = ["name", "channel"]
    public static var table: WritableKeyPath<PracticeState, EntityTable<MessageTemplate>> { \.templates }
    public static func put(_ rows: [MessageTemplate]) -> PracticeChange { .putTemplates(rows) }

    public func filterValues(_ field: String) -> [String] {
        switch field {
        case "name": [name]
        case "channel": [channel]
        default: []
        }
    }

    public func searchText(in state: PracticeState) -> String { (id + " " + name).lowercased() }
}
