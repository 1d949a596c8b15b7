import Foundation

/// A request to create a job, already authenticated; the caller has decided whether it needs approval.
public struct JobRequest: Sendable {
    public var kind: String
    public var selection: Selection
    public var params: JSONValue
    public var createdBy: String
    public var scheduledFor: Date?
    public var confirm: String?
    public var queueOnConflict: Bool
    public var chunkSize: Int?
    public var maxItemsPerSecond: Double?
    public var requiresApproval: Bool
    /// Explicit items (retry-failed); when nil the selection is resolved.
    public var itemIds: [String]?
    public var retryOf: String?

    public init(kind: String, selection: Selection, params: JSONValue = .object([:]), createdBy: String,
                scheduledFor: Date? = nil, confirm: String? = nil, queueOnConflict: Bool = false,
                chunkSize: Int? = nil, maxItemsPerSecond: Double? = nil, requiresApproval: Bool = false,
                itemIds: [String]? = nil, retryOf: String? = nil) {
        self.kind = kind
        self.selection = selection
        self.params = params
        self.createdBy = createdBy
        self.scheduledFor = scheduledFor
        self.confirm = confirm
        self.queueOnConflict = queueOnConflict
        self.chunkSize = chunkSize
        self.maxItemsPerSecond = maxItemsPerSecond
        self.requiresApproval = requiresApproval
        self.itemIds = itemIds
        self.retryOf = retryOf
    }
}
