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

    private enum CodingKeys: String, CodingKey {
        case id, kind, state, selection, params, createdBy, createdAt, startedAt, finishedAt, scheduledFor, chunkSize
        case maxItemsPerSecond, progress, seq, error, retryOf
    }

    // why: the API shows absent times as explicit nulls, and clients test for them
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(kind, forKey: .kind)
        try container.encode(state, forKey: .state)
        try container.encode(selection, forKey: .selection)
        try container.encode(params, forKey: .params)
        try container.encode(createdBy, forKey: .createdBy)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(startedAt, forKey: .startedAt)
        try container.encode(finishedAt, forKey: .finishedAt)
        try container.encode(scheduledFor, forKey: .scheduledFor)
        try container.encode(chunkSize, forKey: .chunkSize)
        try container.encode(maxItemsPerSecond, forKey: .maxItemsPerSecond)
        try container.encode(progress, forKey: .progress)
        try container.encode(seq, forKey: .seq)
        try container.encodeIfPresent(error, forKey: .error)
        try container.encodeIfPresent(retryOf, forKey: .retryOf)
    }
}
