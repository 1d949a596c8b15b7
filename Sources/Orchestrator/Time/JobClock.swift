import Foundation

/// The engine's source of time, injected so throttles, back-off and schedules are tested without sleeping.
public protocol JobClock: Sendable {
    var now: Date { get }
    /// Returns at `deadline`, or throws `CancellationError` when the task is cancelled first.
    func sleep(until deadline: Date) async throws
}

/// Wall-clock time and real sleeping.
public struct SystemJobClock: JobClock {
    public init() {}
    public var now: Date { Date() }
    public func sleep(until deadline: Date) async throws {
        // why: a far deadline (a schedule years ahead) overflows UInt64 nanoseconds, so sleep at most a day at a time
        var seconds = deadline.timeIntervalSinceNow
        while seconds > 0 {
            try await Task.sleep(nanoseconds: UInt64(min(seconds, 86_400) * 1_000_000_000))
            seconds = deadline.timeIntervalSinceNow
        }
        try Task.checkCancellation()
    }
}
