import Dispatch
import Foundation

/// Waits for SIGTERM or SIGINT without blocking a thread: Dispatch signal sources resume one continuation.
final class SignalWaiter: @unchecked Sendable {
    // why: sources and the continuation are only touched on `queue`, which serialises them
    private let queue = DispatchQueue(label: "bulkops.signals")
    private var sources: [DispatchSourceSignal] = []
    private var continuation: CheckedContinuation<Int32, Never>?
    private var received: Int32?

    init(signals: [Int32] = [SIGTERM, SIGINT]) {
        for number in signals {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { [weak self] in self?.fire(number) }
            source.resume()
            sources.append(source)
        }
    }

    private func fire(_ number: Int32) {
        if let continuation {
            self.continuation = nil
            continuation.resume(returning: number)
        } else if received == nil {
            received = number
        }
    }

    /// Returns the first signal received.
    func wait() async -> Int32 {
        await withCheckedContinuation { continuation in
            queue.async {
                if let received = self.received { continuation.resume(returning: received) } else { self.continuation = continuation }
            }
        }
    }
}
