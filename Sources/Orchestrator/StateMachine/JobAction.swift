/// What the owner of a `JobStateMachine` must do after a transition; the machine itself performs no I/O.
public enum JobAction: Sendable, Equatable {
    /// Arm a timer for the job's scheduled time.
    case armSchedule
    /// Put the job in the admission queue (FIFO) to wait for a slot and its items.
    case enqueue
    /// Start a runner from the job's checkpoint.
    case startRunner
    /// Ask the running runner to stop at the next chunk boundary.
    case stopRunnerAtBoundary
    /// Nothing is running: the stop is immediate, so feed `.stopped` right away.
    case stopNow
    /// Leave the admission queue (cancel of a queued job).
    case leaveQueue
    /// Release the job's item locks and publish `finished`.
    case finish
}
