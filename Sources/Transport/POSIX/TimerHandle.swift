/// Identifies a scheduled timer so it can be cancelled.
struct TimerHandle: Hashable {
    let id: UInt64
}
