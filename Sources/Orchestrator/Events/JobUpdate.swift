import Foundation

/// One event of a job on the live stream: created, a state change, progress, or finished.
public struct JobUpdate: Sendable, Equatable {
    /// The API's event names.
    public enum Kind: String, Sendable, Codable {
        /// The job was created.
        case created
        /// The job changed state (never dropped).
        case state
        /// New counts (collapsible to the newest).
        case progress
        /// The job reached a terminal state (never dropped, sent once).
        case finished
    }

    public var kind: Kind
    /// When the server made the event.
    public var at: Date
    public var job: JobSnapshot

    public init(kind: Kind, at: Date, job: JobSnapshot) {
        self.kind = kind
        self.at = at
        self.job = job
    }

    public var jobId: String { job.id }
    public var seq: Int { job.seq }
}
