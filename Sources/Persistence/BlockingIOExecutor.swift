import Dispatch
import Foundation
import Glibc
import Synchronization

/// A `SerialExecutor` with its own dedicated thread, so an actor whose `unownedExecutor` is this runs its blocking
/// file I/O (write, fsync, read) off Swift's cooperative thread pool.
///
/// why a dedicated thread rather than a serial `DispatchQueue`: on Linux the concurrency runtime's global executor
/// is built on Dispatch's global queues, so a serial queue would borrow the same worker threads that a blocked
/// fsync must not hold. One thread per executor is cheap; share one executor among actors that may serialize.
///
/// ```swift
/// actor Store {
///     let executor = BlockingIOExecutor(label: "store")
///     nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }
/// }
/// ```
/// The thread lives until `shutdown()`; enqueueing after that is a programming error and traps.
public final class BlockingIOExecutor: SerialExecutor, @unchecked Sendable {
    // why @unchecked: all mutable state is inside `work` (a Mutex); the rest is immutable after init.

    /// One unit of work: an actor job, or a closure from `run(_:)`.
    private enum Work {
        case job(UnownedJob)
        case closure(@Sendable () -> Void)
    }

    /// The queue and the thread's sleep state, always accessed under the mutex.
    private struct Queue {
        var pending: [Work] = []
        var sleeping = false
        var stopping = false
    }

    /// Names the thread; Linux shows its first 15 bytes (`threadName`) in `top -H`, gdb and crash logs.
    public let label: String

    /// The thread name as the kernel keeps it: `label` cut to 15 bytes.
    public var threadName: String {
        var bytes = Array(label.utf8.prefix(15))
        // why: never cut a multi-byte character in half.
        while String(validating: bytes, as: UTF8.self) == nil { bytes.removeLast() }
        return String(decoding: bytes, as: UTF8.self)
    }
    private let work = Mutex(Queue())
    private let wakeUp = DispatchSemaphore(value: 0)

    public init(label: String) {
        self.label = label
        Thread { [self] in runLoop() }.start()
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        submit(.job(UnownedJob(job)))
    }

    public func asUnownedSerialExecutor() -> UnownedSerialExecutor {
        UnownedSerialExecutor(ordinary: self)
    }

    /// Lets `assumeIsolated` and `preconditionIsolated` of an actor on this executor pass on its thread.
    public func checkIsolated() {
        precondition(isCurrent, "not running on BlockingIOExecutor '\(label)'")
    }

    /// True when the calling code runs on this executor's thread.
    public var isCurrent: Bool {
        pthread_getspecific(currentExecutorKey) == Unmanaged.passUnretained(self).toOpaque()
    }

    /// Runs a blocking closure on this executor's thread and awaits its result (for non-actor callers).
    public func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            submit(.closure { continuation.resume(with: Result { try body() }) })
        }
    }

    /// Lets the thread finish the work already queued and then exit. Actors on this executor must not be used
    /// afterwards.
    public func shutdown() {
        let wake = work.withLock { queue in
            queue.stopping = true
            defer { queue.sleeping = false }
            return queue.sleeping
        }
        if wake { wakeUp.signal() }
    }

    private func submit(_ item: Work) {
        // Decide under the lock, signal outside it.
        let wake = work.withLock { queue in
            precondition(!queue.stopping, "enqueue on BlockingIOExecutor '\(label)' after shutdown()")
            queue.pending.append(item)
            defer { queue.sleeping = false }
            return queue.sleeping
        }
        if wake { wakeUp.signal() }
    }

    private func runLoop() {
        // why set from inside, cut to 15 bytes: the kernel refuses longer names, and a name set before start is not
        // applied on Linux, so the thread would keep the one it inherited from the pool thread that created it.
        Thread.current.name = threadName
        pthread_setspecific(currentExecutorKey, Unmanaged.passUnretained(self).toOpaque())
        var batch: [Work] = []
        while true {
            let stop = work.withLock { queue in
                if queue.pending.isEmpty {
                    if queue.stopping { return true }
                    // why: set under the lock so a submitter that appends after this point knows to signal.
                    queue.sleeping = true
                    return false
                }
                // Swap buffers so the queue keeps its capacity and the lock is held only for the swap.
                swap(&batch, &queue.pending)
                return false
            }
            if stop { break }
            if batch.isEmpty {
                wakeUp.wait()
                continue
            }
            let executor = asUnownedSerialExecutor()
            for item in batch {
                switch item {
                case .job(let job): job.runSynchronously(on: executor)
                case .closure(let body): body()
                }
            }
            batch.removeAll(keepingCapacity: true)
        }
        pthread_setspecific(currentExecutorKey, nil)
    }
}

/// Thread-specific slot naming the `BlockingIOExecutor` whose thread is running, for `isCurrent`.
private let currentExecutorKey: pthread_key_t = {
    var key = pthread_key_t()
    let result = pthread_key_create(&key, nil)
    precondition(result == 0, "pthread_key_create failed: \(result)")
    return key
}()
