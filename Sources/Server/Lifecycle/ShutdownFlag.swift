import Synchronization

/// Set once when shutdown begins; read by request handlers to refuse changes with 503.
final class ShutdownFlag: Sendable {
    private let value = Atomic<Bool>(false)
    var isSet: Bool { value.load(ordering: .acquiring) }
    func set() { value.store(true, ordering: .releasing) }
}
