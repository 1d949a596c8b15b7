import Foundation
import Synchronization

/// A fixed set of event loops, one thread each, handed out round-robin to new connections.
public final class EventLoopGroup: Sendable {
    /// One loop per processor, started on first use and kept for the life of the process,
    /// shared by servers and clients that are not given a group of their own.
    public static let shared: EventLoopGroup = {
        do {
            return try EventLoopGroup(loopCount: ProcessInfo.processInfo.activeProcessorCount)
        } catch {
            fatalError("cannot start the shared event loops: \(error)")
        }
    }()

    let loops: [EventLoop]
    private let nextIndex = Atomic<UInt>(0)

    /// Starts `loopCount` loop threads (at least one).
    public init(loopCount: Int) throws {
        var loops: [EventLoop] = []
        for index in 0..<max(1, loopCount) {
            loops.append(try EventLoop(name: "transport-loop-\(index)"))
        }
        self.loops = loops
    }

    /// The loop for the next connection.
    func next() -> EventLoop {
        let index = nextIndex.wrappingAdd(1, ordering: .relaxed).oldValue
        return loops[Int(index % UInt(loops.count))]
    }
}
