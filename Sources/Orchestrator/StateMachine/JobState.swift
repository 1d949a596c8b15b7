/// Where a job is in its life; the names are the API's.
public enum JobState: String, Codable, Sendable, CaseIterable {
    /// Created by someone whose role needs a manager's approval first.
    case awaitingApproval
    /// Waiting for its `scheduledFor` time.
    case scheduled
    /// Waiting for a run slot or for its items to be free.
    case queued
    /// A runner is applying chunks.
    case running
    /// Pause requested; the runner stops at the next chunk boundary.
    case pausing
    /// Stopped at a chunk boundary; resumable.
    case paused
    /// Cancel requested; the runner stops at the next chunk boundary.
    case cancelling
    /// Every item applied without failure.
    case succeeded
    /// Every item processed, some failed.
    case completedWithErrors
    /// A job-level fault beyond the retry policy.
    case failed
    /// Cancelled before all items were processed.
    case cancelled
    /// A manager rejected it.
    case rejected

    public var isTerminal: Bool {
        switch self {
        case .succeeded, .completedWithErrors, .failed, .cancelled, .rejected: true
        default: false
        }
    }

    /// States whose job may be writing its items, so no other job may write them.
    public var holdsItems: Bool {
        switch self {
        case .queued, .running, .pausing, .paused, .cancelling: true
        default: false
        }
    }

    /// A runner exists (or must exist after recovery) in these states.
    public var isActive: Bool { self == .running || self == .pausing || self == .cancelling }
}
