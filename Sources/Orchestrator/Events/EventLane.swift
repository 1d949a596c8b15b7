/// Where a group of subscribers is handed its events: the broadcaster gives each lane one batch per event, run by
/// the lane's executor (for example the network thread that owns those subscribers' connections), instead of
/// offering the event to every subscriber on the publisher's thread. Batches of one lane run in publish order.
public final class EventLane: Sendable {
    private let executor: @Sendable (@escaping @Sendable () -> Void) -> Void

    /// `executor` must run the work it is given in the order it was given.
    public init(executor: @escaping @Sendable (@escaping @Sendable () -> Void) -> Void) {
        self.executor = executor
    }

    func run(_ work: @escaping @Sendable () -> Void) {
        executor(work)
    }
}
