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

    /// Every loop of the group, for work that must run on each of them (such as setting their threads' priority).
    public var eventLoops: [EventLoop] { loops }
    private let nextIndex = Atomic<UInt>(0)

    /// Starts `loopCount` loop threads (at least one). With a `pollingPause`, a loop that found sockets ready rests
    /// that long before it looks again, so data arriving meanwhile is taken in one batch without waking the thread
    /// for each message: for clients that read many connections and care more about CPU than about when they read
    /// (a load generator); a server should not use it.
    public init(loopCount: Int, pollingPause: Duration? = nil) throws {
        var loops: [EventLoop] = []
        for index in 0..<max(1, loopCount) {
            loops.append(try EventLoop(name: "transport-loop-\(index)", pollingPause: pollingPause))
        }
        self.loops = loops
    }

    /// The loop for the next connection.
    func next() -> EventLoop {
        let index = nextIndex.wrappingAdd(1, ordering: .relaxed).oldValue
        return loops[Int(index % UInt(loops.count))]
    }
}
