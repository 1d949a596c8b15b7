/// A value that is kept durable as a JSON snapshot plus a journal of the changes made since that snapshot.
///
/// `apply` must be deterministic: replaying the same changes onto the same state must give the same result,
/// because that is how the state is rebuilt after a restart.
public protocol JournaledState: Codable, Sendable {
    /// One change to the state.
    associatedtype Change: Sendable

    /// The empty state, used when there is no snapshot yet.
    init()

    /// Applies one change.
    mutating func apply(_ change: Change)

    /// Encodes the changes of one commit as one journal payload. The encoding is the state's choice, so hot paths
    /// can avoid `JSONEncoder`.
    static func encode(_ changes: [Change]) throws -> [UInt8]

    /// Decodes a payload written by `encode(_:)`.
    static func decode(_ bytes: [UInt8]) throws -> [Change]
}
