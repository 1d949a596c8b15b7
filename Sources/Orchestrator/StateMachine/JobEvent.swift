/// An input to `JobStateMachine`: an operator request or something the engine observed.
public enum JobEvent: Sendable, Equatable {
    /// A manager approved; `scheduled` tells whether the job still waits for its time.
    case approve(scheduled: Bool)
    /// A manager rejected.
    case reject
    /// The scheduled time has come.
    case timeReached
    /// A run slot and every item lock were acquired.
    case start
    /// An operator asked to pause.
    case pause
    /// An operator asked to resume.
    case resume
    /// An operator asked to cancel.
    case cancel
    /// The runner stopped at a chunk boundary after a pause or cancel request (or nothing was running).
    case stopped
    /// The runner processed every item; `failedItems` counts item failures.
    case finished(failedItems: Int)
    /// A job-level fault that the retry and restart policies could not absorb.
    case fault(String)

    /// The operator-facing name, used in errors and audit entries.
    public var name: String {
        switch self {
        case .approve: "approve"
        case .reject: "reject"
        case .timeReached: "timeReached"
        case .start: "start"
        case .pause: "pause"
        case .resume: "resume"
        case .cancel: "cancel"
        case .stopped: "stopped"
        case .finished: "finished"
        case .fault: "fault"
        }
    }
}
