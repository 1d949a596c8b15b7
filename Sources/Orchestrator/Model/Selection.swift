/// Which items a job covers, as the client said it: explicit ids, or a filter with exclusions.
public struct Selection: Codable, Sendable, Hashable {
    public var entity: String
    public var ids: [String]?
    public var filter: [String: JSONValue]?
    public var exclude: [String]?

    public init(entity: String, ids: [String]? = nil, filter: [String: JSONValue]? = nil, exclude: [String]? = nil) {
        self.entity = entity
        self.ids = ids
        self.filter = filter
        self.exclude = exclude
    }
}
