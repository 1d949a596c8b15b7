import Foundation

/// A job as clients see it: the API's job object.
public struct JobSnapshot: Codable, Sendable, Equatable {
    public var id: String
    public var kind: String
    public var state: JobState
    public var selection: Selection
    public var params: JSONValue
    public var createdBy: String
    public var createdAt: Date
    public var startedAt: Date?
    public var finishedAt: Date?
    public var scheduledFor: Date?
    public var chunkSize: Int
    public var maxItemsPerSecond: Double?
    public var progress: JobProgress
    public var seq: Int
    public var error: String?
    public var retryOf: String?
}
