/// One kind of bulk job, plugged into the engine. The engine calls it; it never knows what the items are.
public protocol BulkOperation: Sendable {
    var descriptor: OperationDescriptor { get }
    /// Throws `JobError` (`validationFailed`) for parameters this kind cannot run with.
    func validate(params: JSONValue) throws
    /// Freezes a selection into item ids, in the order the job will process them.
    func resolve(_ selection: Selection) async throws -> [String]
    /// Checks the parameters against the frozen item list and the data (counts that must fit the selection,
    /// referenced ids that must exist); runs after `resolve` and the limit check, before anything is stored.
    func check(params: JSONValue, itemIds: [String]) async throws
    /// The changes the job would make on `itemIds`, without making them.
    func preview(itemIds: [String], params: JSONValue) async throws -> JobPreview
    /// Applies one chunk atomically and durably and returns one outcome per item.
    ///
    /// Contract: all of a chunk's effects or none become durable, and a chunk (job id, start offset) that was
    /// already applied is not applied again: its recorded outcomes are returned instead. A thrown error means
    /// nothing was applied; the engine retries per its policy.
    func apply(_ chunk: ChunkRequest) async throws -> [ItemOutcome]
    /// The phrase a create body must carry in `confirm` for these parameters; nil when none is needed.
    func confirmationPhrase(for params: JSONValue) -> String?
    /// The least role that may create a job with these parameters (default: the descriptor's `role`).
    func requiredRole(for params: JSONValue) -> String
    /// Jobs with these parameters created by a role below this one wait in `awaitingApproval` (default: the
    /// descriptor's `approvalBelowRole`).
    func approvalBelowRole(for params: JSONValue) -> String?
}

extension BulkOperation {
    public func confirmationPhrase(for params: JSONValue) -> String? { descriptor.confirmationPhrase }
    public func check(params: JSONValue, itemIds: [String]) async throws {}
    public func requiredRole(for params: JSONValue) -> String { descriptor.role }
    public func approvalBelowRole(for params: JSONValue) -> String? { descriptor.approvalBelowRole }
}
