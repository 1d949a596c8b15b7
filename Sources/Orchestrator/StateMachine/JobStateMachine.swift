/// The life of one job as a value: `handle(_:)` is a pure transition that returns the actions to perform.
public struct JobStateMachine: Sendable, Equatable {
    /// A request the current state does not allow.
    public struct InvalidTransition: Error, Sendable, Equatable {
        public let state: JobState
        public let event: String
    }

    public private(set) var state: JobState

    public init(state: JobState) {
        self.state = state
    }

    /// Applies `event`; on success the state may have changed and the actions say what to do.
    public mutating func handle(_ event: JobEvent) -> Result<[JobAction], InvalidTransition> {
        let invalid = Result<[JobAction], InvalidTransition>.failure(.init(state: state, event: event.name))
        switch (state, event) {
        case (.awaitingApproval, .approve(let scheduled)):
            state = scheduled ? .scheduled : .queued
            return .success(scheduled ? [.armSchedule] : [.enqueue])
        case (.awaitingApproval, .reject):
            state = .rejected
            return .success([.finish])
        case (.scheduled, .timeReached):
            state = .queued
            return .success([.enqueue])
        case (.queued, .start):
            state = .running
            return .success([.startRunner])
        case (.running, .pause):
            state = .pausing
            return .success([.stopRunnerAtBoundary])
        case (.pausing, .resume):
            // why: the runner has not stopped yet, so withdrawing the pause simply lets it go on
            state = .running
            return .success([])
        case (.pausing, .stopped):
            state = .paused
            return .success([])
        case (.paused, .resume):
            state = .queued
            return .success([.enqueue])
        case (.running, .cancel), (.pausing, .cancel):
            state = .cancelling
            return .success([.stopRunnerAtBoundary])
        case (.queued, .cancel):
            state = .cancelling
            return .success([.leaveQueue, .stopNow])
        case (.paused, .cancel), (.scheduled, .cancel), (.awaitingApproval, .cancel):
            state = .cancelling
            return .success([.stopNow])
        case (.cancelling, .stopped):
            state = .cancelled
            return .success([.finish])
        case (.running, .finished(let failed)), (.pausing, .finished(let failed)), (.cancelling, .finished(let failed)):
            // why: the last chunk was already committed when the request arrived; the work is done
            state = failed > 0 ? .completedWithErrors : .succeeded
            return .success([.finish])
        case (.running, .fault), (.pausing, .fault), (.cancelling, .fault), (.queued, .fault):
            state = .failed
            return .success([.finish])
        default:
            return invalid
        }
    }
}
