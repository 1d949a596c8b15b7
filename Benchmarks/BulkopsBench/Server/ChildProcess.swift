import Foundation
import Glibc
import Synchronization

/// A child process started with `posix_spawn`, its standard output and error appended to a file. A reaper thread
/// blocks in `waitpid`, so waiting for the exit costs no polling and `exitStatus` is known the moment it ends.
final class ChildProcess: Sendable {
    private struct State {
        var exitStatus: Int32?
        var waiters: [CheckedContinuation<Int32, Never>] = []
    }

    let pid: pid_t
    let outputPath: String
    private let state = Mutex(State())

    private init(pid: pid_t, outputPath: String) {
        self.pid = pid
        self.outputPath = outputPath
    }

    /// Starts `executable` with `arguments`; stdin is /dev/null.
    static func spawn(_ executable: String, _ arguments: [String],
                      outputPath: String) throws(BenchError) -> ChildProcess {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let result = posix_spawnp(&pid, executable, &actions, nil, argv, environ)
        guard result == 0 else {
            throw BenchError("cannot start \(executable): \(String(cString: strerror(result)))")
        }
        let child = ChildProcess(pid: pid, outputPath: outputPath)
        let thread = Thread { child.reap() }
        thread.name = "bench-reaper-\(pid)"
        thread.start()
        return child
    }

    /// Runs a short command to its end and returns its output (for `git rev-parse` and the like); nil on failure.
    static func output(of executable: String, _ arguments: [String]) async -> String? {
        let path = NSTemporaryDirectory() + "bulkops-bench-cmd-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        defer { unlink(path) }
        guard let child = try? spawn(executable, arguments, outputPath: path) else { return nil }
        guard await child.waitForExit() == 0 else { return nil }
        return (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private func reap() {
        var status: Int32 = 0
        var result: pid_t
        repeat { result = waitpid(pid, &status, 0) } while result == -1 && errno == EINTR
        // why: WIFEXITED and friends are macros Swift cannot see; a signal death is reported as 128 + signal
        let code: Int32 = result == -1 ? -1 : (status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f))
        let waiters = state.withLock { state in
            state.exitStatus = code
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume(returning: code) }
    }

    var isRunning: Bool { state.withLock { $0.exitStatus == nil } }

    var exitStatus: Int32? { state.withLock { $0.exitStatus } }

    func signal(_ number: Int32) {
        if isRunning { kill(pid, number) }
    }

    func waitForExit() async -> Int32 {
        await withCheckedContinuation { continuation in
            let done = state.withLock { state -> Int32? in
                if let status = state.exitStatus { return status }
                state.waiters.append(continuation)
                return nil
            }
            if let done { continuation.resume(returning: done) }
        }
    }

    /// Waits at most `seconds`; nil when still running.
    func waitForExit(seconds: Double) async -> Int32? {
        let deadline = WallClock.seconds() + seconds
        while WallClock.seconds() < deadline {
            if let status = exitStatus { return status }
            try? await Task.sleep(nanoseconds: 5_000_000)
        }
        return exitStatus
    }

    var output: String { (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "" }
}
