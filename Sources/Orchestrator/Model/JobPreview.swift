/// What a job would do, computed without doing it.
public struct JobPreview: Codable, Sendable, Equatable {
    /// One item's change.
    public struct Change: Codable, Sendable, Equatable {
        public var itemId: String
        public var before: JSONValue
        public var after: JSONValue
        public init(itemId: String, before: JSONValue, after: JSONValue) {
            self.itemId = itemId
            self.before = before
            self.after = after
        }
    }

    /// One item that cannot be changed as asked, or is held by another job.
    public struct Conflict: Codable, Sendable, Equatable {
        public var itemId: String
        public var reason: String
        public var jobId: String?
        public var suggestion: JSONValue?
        public init(itemId: String, reason: String, jobId: String? = nil, suggestion: JSONValue? = nil) {
            self.itemId = itemId
            self.reason = reason
            self.jobId = jobId
            self.suggestion = suggestion
        }
    }

    public var total: Int
    public var sample: [Change]
    public var conflicts: [Conflict]
    public var warnings: [String]
    public var estimate: [String: JSONValue]

    public init(total: Int, sample: [Change], conflicts: [Conflict], warnings: [String], estimate: [String: JSONValue]) {
        self.total = total
        self.sample = sample
        self.conflicts = conflicts
        self.warnings = warnings
        self.estimate = estimate
    }
}
