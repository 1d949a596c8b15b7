import Foundation
import Glibc
import Synchronization

/// One thread running `epoll_wait`, woken by an eventfd. Sockets, timers and tasks given to a
/// loop run on its thread only, so blocking waits never occupy Swift's cooperative pool.
///
/// The unchecked `Sendable` is upheld by construction: `pending` is behind a `Mutex`, and every
/// other mutable field is touched only on the loop thread (checked with `inEventLoop`).
public final class EventLoop: @unchecked Sendable {
    private struct Pending {
        var tasks: [@Sendable () -> Void] = []
        var wakeupSent = false
    }

    private struct Timer {
        var deadline: UInt64
        var id: UInt64
    }

    private let epoll: Int32
    private let wakeup: Int32
    private let pending = Mutex(Pending())
    private let threadID = Atomic<UInt>(0)
    private let name: String
    /// See `EventLoopGroup.init(loopCount:pollingPause:)`.
    private let pollingPause: timespec?

    // Loop-thread state.
    private var handlers: [Int32: EventLoopHandler] = [:]
    private var interests: [Int32: UInt32] = [:]
    private var timerHeap: [Timer] = []
    private var timerActions: [UInt64: () -> Void] = [:]
    private var nextTimerID: UInt64 = 1
    /// One read buffer per loop, reused by every socket on it: reads never overlap on one thread.
    let readBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)

    init(name: String, pollingPause: Duration? = nil) throws(SystemCallError) {
        self.name = name
        self.pollingPause = pollingPause.map { pause in
            let (seconds, attoseconds) = pause.components
            return timespec(tv_sec: Int(max(0, seconds)), tv_nsec: Int(max(0, attoseconds) / 1_000_000_000))
        }
        epoll = try SystemCall.epollCreate()
        wakeup = try SystemCall.eventFD()
        try SystemCall.epollControl(epoll, operation: SystemCall.epollAdd, fd: wakeup, events: SystemCall.epollIn)
        let thread = Thread { [self] in run() }
        thread.name = name
        thread.start()
    }

    /// True on this loop's own thread.
    var inEventLoop: Bool {
        threadID.load(ordering: .acquiring) == UInt(pthread_self())
    }

    /// Runs `task` on the loop thread, soon, after the tasks given before it. Safe from any thread. `task` must not
    /// block: every connection of the loop waits for it.
    public func execute(_ task: @escaping @Sendable () -> Void) {
        let needsWakeup = pending.withLock { state -> Bool in
            state.tasks.append(task)
            if state.wakeupSent { return false }
            state.wakeupSent = true
            return true
        }
        if needsWakeup && !inEventLoop {
            try? SystemCall.signalEventFD(wakeup)
        }
    }

    /// Queues `task` like `execute` but leaves the thread asleep until `wakeUp()` (or other work) rouses it: a
    /// caller handing work to several loops queues it everywhere first, so that no loop's thread takes the
    /// caller's CPU before the others have theirs.
    public func enqueue(_ task: @escaping @Sendable () -> Void) {
        pending.withLock { $0.tasks.append(task) }
    }

    /// Makes the loop run what `enqueue` gave it.
    public func wakeUp() {
        let needsWakeup = pending.withLock { state -> Bool in
            if state.wakeupSent { return false }
            state.wakeupSent = true
            return true
        }
        if needsWakeup && !inEventLoop {
            try? SystemCall.signalEventFD(wakeup)
        }
    }

    /// Runs `body` on the loop and returns its result to an async caller.
    func submit<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            execute {
                do { continuation.resume(returning: try body()) } catch { continuation.resume(throwing: error) }
            }
        }
    }

    // MARK: loop-thread API

    func register(_ fd: Int32, handler: EventLoopHandler, events: UInt32) throws(SystemCallError) {
        precondition(inEventLoop)
        try SystemCall.epollControl(epoll, operation: SystemCall.epollAdd, fd: fd, events: events)
        handlers[fd] = handler
        interests[fd] = events
    }

    func setInterest(_ fd: Int32, events: UInt32) {
        precondition(inEventLoop)
        guard let current = interests[fd], current != events else { return }
        interests[fd] = events
        try? SystemCall.epollControl(epoll, operation: SystemCall.epollModify, fd: fd, events: events)
    }

    /// Must be called before the descriptor is closed.
    func deregister(_ fd: Int32) {
        precondition(inEventLoop)
        guard handlers.removeValue(forKey: fd) != nil else { return }
        interests[fd] = nil
        try? SystemCall.epollControl(epoll, operation: SystemCall.epollDelete, fd: fd, events: 0)
    }

    @discardableResult
    func schedule(after delay: Duration, _ action: @escaping () -> Void) -> TimerHandle {
        precondition(inEventLoop)
        let nanoseconds = UInt64(max(0, delay.components.seconds)) * 1_000_000_000
            + UInt64(max(0, delay.components.attoseconds / 1_000_000_000))
        let id = nextTimerID
        nextTimerID += 1
        timerActions[id] = action
        pushTimer(Timer(deadline: Self.now() &+ nanoseconds, id: id))
        return TimerHandle(id: id)
    }

    func cancel(_ timer: TimerHandle?) {
        guard let timer else { return }
        precondition(inEventLoop)
        // The heap entry stays until it expires and is skipped; the action is what matters.
        timerActions[timer.id] = nil
    }

    // MARK: the loop

    private static func now() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
    }

    private func run() {
        threadID.store(UInt(pthread_self()), ordering: .releasing)
        let capacity = 256
        let events = UnsafeMutableRawBufferPointer.allocate(
            byteCount: capacity * SystemCall.epollEventSize, alignment: 8)
        defer { events.deallocate() }
        while true {
            let count: Int
            do {
                count = try SystemCall.epollWait(epoll, events: events, timeoutMilliseconds: waitTimeout())
            } catch {
                fatalError("event loop \(name): \(error)")
            }
            for index in 0..<count {
                let base = index * SystemCall.epollEventSize
                let mask = events.loadUnaligned(fromByteOffset: base, as: UInt32.self)
                let data = events.loadUnaligned(fromByteOffset: base + SystemCall.epollDataOffset, as: UInt64.self)
                let fd = Int32(bitPattern: UInt32(truncatingIfNeeded: data))
                if fd == wakeup {
                    try? SystemCall.drainEventFD(wakeup)
                    continue
                }
                handlers[fd]?.handleEvents(mask)
            }
            runTasks()
            runTimers()
            if count > 0, var pause = pollingPause {
                var left = timespec()
                _ = nanosleep(&pause, &left)
            }
        }
    }

    private func waitTimeout() -> Int32 {
        let hasTasks = pending.withLock { state -> Bool in
            if state.tasks.isEmpty {
                state.wakeupSent = false
                return false
            }
            return true
        }
        if hasTasks { return 0 }
        while let first = timerHeap.first, timerActions[first.id] == nil { popTimer() }
        guard let first = timerHeap.first else { return -1 }
        let now = Self.now()
        if first.deadline <= now { return 0 }
        // Round up so a timer never fires a little early and spins the loop.
        let milliseconds = (first.deadline - now + 999_999) / 1_000_000
        return Int32(min(milliseconds, UInt64(Int32.max)))
    }

    private func runTasks() {
        // Tasks queued by these tasks run on the next turn, so timers and I/O are not starved.
        let tasks = pending.withLock { state -> [@Sendable () -> Void] in
            let tasks = state.tasks
            state.tasks.removeAll(keepingCapacity: true)
            return tasks
        }
        for task in tasks { task() }
    }

    private func runTimers() {
        let now = Self.now()
        while let first = timerHeap.first, first.deadline <= now {
            popTimer()
            if let action = timerActions.removeValue(forKey: first.id) { action() }
        }
    }

    private func pushTimer(_ timer: Timer) {
        timerHeap.append(timer)
        var child = timerHeap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            if timerHeap[parent].deadline <= timerHeap[child].deadline { break }
            timerHeap.swapAt(parent, child)
            child = parent
        }
    }

    private func popTimer() {
        let last = timerHeap.removeLast()
        guard !timerHeap.isEmpty else { return }
        timerHeap[0] = last
        var parent = 0
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var smallest = parent
            if left < timerHeap.count && timerHeap[left].deadline < timerHeap[smallest].deadline { smallest = left }
            if right < timerHeap.count && timerHeap[right].deadline < timerHeap[smallest].deadline { smallest = right }
            if smallest == parent { break }
            timerHeap.swapAt(parent, smallest)
            parent = smallest
        }
    }
}
