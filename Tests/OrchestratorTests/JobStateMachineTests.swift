import Orchestrator
import Testing

/// One allowed transition, written down from the diagram in API.md (not from the implementation).
private struct Row {
    var from: JobState
    var event: JobEvent
    var to: JobState
    var actions: [JobAction]
}

/// Every event the machine knows, with each associated value that changes the outcome.
let allEvents: [JobEvent] = [
    .approve(scheduled: false), .approve(scheduled: true), .reject, .timeReached, .start, .pause, .resume, .cancel,
    .stopped, .finished(failedItems: 0), .finished(failedItems: 3), .fault("disk on fire"),
]

/// The diagram of API.md, line by line:
///
///     create ─▶ awaitingApproval ─approve▶ scheduled|queued      ─reject▶ rejected
///     create ─▶ scheduled ─time reached▶ queued
///     create ─▶ queued ─slot and item locks acquired▶ running
///     running ─pause▶ pausing ─chunk boundary▶ paused ─resume▶ queued ▶ running
///     running|paused|queued|scheduled|awaitingApproval ─cancel▶ cancelling ▶ cancelled
///     running ─all items done▶ succeeded | completedWithErrors (some items failed)
///     running ─job-level fault beyond retry policy▶ failed
private let diagram: [Row] = [
    Row(from: .awaitingApproval, event: .approve(scheduled: true), to: .scheduled, actions: [.armSchedule]),
    Row(from: .awaitingApproval, event: .approve(scheduled: false), to: .queued, actions: [.enqueue]),
    Row(from: .awaitingApproval, event: .reject, to: .rejected, actions: [.finish]),
    Row(from: .scheduled, event: .timeReached, to: .queued, actions: [.enqueue]),
    Row(from: .queued, event: .start, to: .running, actions: [.startRunner]),
    Row(from: .running, event: .pause, to: .pausing, actions: [.stopRunnerAtBoundary]),
    Row(from: .pausing, event: .stopped, to: .paused, actions: []),
    Row(from: .paused, event: .resume, to: .queued, actions: [.enqueue]),
    // cancel: a running job stops at the boundary; the others have nothing running and stop at once
    Row(from: .running, event: .cancel, to: .cancelling, actions: [.stopRunnerAtBoundary]),
    Row(from: .paused, event: .cancel, to: .cancelling, actions: [.stopNow]),
    Row(from: .queued, event: .cancel, to: .cancelling, actions: [.leaveQueue, .stopNow]),
    Row(from: .scheduled, event: .cancel, to: .cancelling, actions: [.stopNow]),
    Row(from: .awaitingApproval, event: .cancel, to: .cancelling, actions: [.stopNow]),
    Row(from: .cancelling, event: .stopped, to: .cancelled, actions: [.finish]),
    Row(from: .running, event: .finished(failedItems: 0), to: .succeeded, actions: [.finish]),
    Row(from: .running, event: .finished(failedItems: 3), to: .completedWithErrors, actions: [.finish]),
    Row(from: .running, event: .fault("disk on fire"), to: .failed, actions: [.finish]),
]

/// What the diagram implies but does not draw. `pausing` and `cancelling` are "running, with a stop requested":
/// until the boundary the runner still runs, so it may finish or fault there, and a pause may be withdrawn or
/// turned into a cancel. A queued job may fault (nothing to run it with).
private let runningWithStopRequested: [Row] = [
    Row(from: .pausing, event: .resume, to: .running, actions: []),
    Row(from: .pausing, event: .cancel, to: .cancelling, actions: [.stopRunnerAtBoundary]),
    Row(from: .pausing, event: .finished(failedItems: 0), to: .succeeded, actions: [.finish]),
    Row(from: .pausing, event: .finished(failedItems: 3), to: .completedWithErrors, actions: [.finish]),
    Row(from: .pausing, event: .fault("disk on fire"), to: .failed, actions: [.finish]),
    Row(from: .cancelling, event: .finished(failedItems: 0), to: .succeeded, actions: [.finish]),
    Row(from: .cancelling, event: .finished(failedItems: 3), to: .completedWithErrors, actions: [.finish]),
    Row(from: .cancelling, event: .fault("disk on fire"), to: .failed, actions: [.finish]),
    Row(from: .queued, event: .fault("disk on fire"), to: .failed, actions: [.finish]),
]

private let expectedTable = diagram + runningWithStopRequested

@Suite("JobStateMachine transition table")
struct JobStateMachineTests {
    @Test("every state × every event", arguments: JobState.allCases, allEvents)
    func transition(from state: JobState, on event: JobEvent) {
        var machine = JobStateMachine(state: state)
        let result = machine.handle(event)
        let expected = expectedTable.filter { $0.from == state && $0.event == event }
        #expect(expected.count <= 1, "the expected table itself has duplicate rows")
        if let row = expected.first {
            #expect(result == .success(row.actions))
            #expect(machine.state == row.to)
        } else {
            guard case .failure(let invalid) = result else {
                Issue.record("\(state) accepted \(event.name), which API.md does not allow")
                return
            }
            #expect(invalid.state == state)
            #expect(invalid.event == event.name)
            #expect(machine.state == state, "an invalid transition must not change the state")
        }
    }

    @Test("terminal states accept no event at all", arguments: JobState.allCases.filter(\.isTerminal))
    func terminalIsFinal(state: JobState) {
        for event in allEvents {
            var machine = JobStateMachine(state: state)
            guard case .failure(let invalid) = machine.handle(event) else {
                Issue.record("\(state) accepted \(event)")
                continue
            }
            #expect(invalid.state == state)
        }
    }

    @Test("every expected row names a real state change or action")
    func tableIsNotVacuous() {
        #expect(expectedTable.count == 26)
        #expect(Set(expectedTable.map(\.from)) == Set(JobState.allCases.filter { !$0.isTerminal }))
        // every non-terminal state can be left, every terminal state can be reached
        #expect(Set(expectedTable.map(\.to)).isSuperset(of: JobState.allCases.filter(\.isTerminal)))
    }

    @Test("the finish action accompanies exactly the moves into terminal states")
    func finishOnlyOnTerminal() {
        for state in JobState.allCases {
            for event in allEvents {
                var machine = JobStateMachine(state: state)
                guard case .success(let actions) = machine.handle(event) else { continue }
                #expect(actions.contains(.finish) == machine.state.isTerminal,
                        "\(state) --\(event.name)-> \(machine.state)")
            }
        }
    }

    @Test("state flags: terminal, holds items, active")
    func stateFlags() {
        let terminal: Set<JobState> = [.succeeded, .completedWithErrors, .failed, .cancelled, .rejected]
        let holding: Set<JobState> = [.queued, .running, .pausing, .paused, .cancelling]
        let active: Set<JobState> = [.running, .pausing, .cancelling]
        for state in JobState.allCases {
            #expect(state.isTerminal == terminal.contains(state))
            #expect(state.holdsItems == holding.contains(state))
            #expect(state.isActive == active.contains(state))
        }
    }
}
