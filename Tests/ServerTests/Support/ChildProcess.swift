import Foundation

/// Runs a program (the `bulkops` CLI, the Python client) with its output in files, waiting on its termination
/// handler rather than blocking a thread, and killing it after `timeout`: to completion (`run`), or in the
/// background (`start`) for a test that acts while it runs and reads its output so far.
struct ChildProcess {
    /// What the program did.
    struct Result: Sendable, CustomStringConvertible {
        var status: Int32
        var stdout: String
        var stderr: String
        var description: String { "exit \(status)\nstdout: \(stdout)\nstderr: \(stderr)" }
    }

    /// A program started in the background.
    final class Running: Sendable {
        private let outPath: String
        private let errPath: String
        private let exit: AsyncStream<Int32>

        fileprivate init(outPath: String, errPath: String, exit: AsyncStream<Int32>) {
            self.outPath = outPath
            self.errPath = errPath
            self.exit = exit
        }

        /// Standard output so far.
        var stdout: String { (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "" }

        /// Waits until `condition` holds for the output so far, checking every 20 ms for at most `timeout`.
        func waitForOutput(_ what: String, timeout: TimeInterval = 30, until condition: (String) -> Bool)
            async throws {
            let deadline = Date().addingTimeInterval(timeout)
            while Date() < deadline {
                if condition(stdout) { return }
                try await Task.sleep(nanoseconds: 20_000_000)
            }
            throw TestFailure("child: no \(what) within \(timeout) s; stdout so far: \(stdout)")
        }

        /// Waits for the exit and returns what the program did (once).
        func result() async -> Result {
            var status: Int32 = -1
            for await value in exit { status = value }
            let stdout = self.stdout
            let stderr = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
            try? FileManager.default.removeItem(atPath: outPath)
            try? FileManager.default.removeItem(atPath: errPath)
            return Result(status: status, stdout: stdout, stderr: stderr)
        }
    }

    static func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:],
                    timeout: TimeInterval = 60) async throws -> Result {
        try await start(executable, arguments, environment: environment, timeout: timeout).result()
    }

    static func start(_ executable: String, _ arguments: [String], environment: [String: String] = [:],
                      timeout: TimeInterval = 60) throws -> Running {
        let base = NSTemporaryDirectory() + "bulkops-child-" + UUID().uuidString.prefix(8)
        let outPath = base + ".out"
        let errPath = base + ".err"
        _ = FileManager.default.createFile(atPath: outPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var merged = ProcessInfo.processInfo.environment
        for key in ["BULKOPS_URL", "BULKOPS_TOKEN"] { merged.removeValue(forKey: key) }
        for (key, value) in environment { merged[key] = value }
        process.environment = merged
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        process.standardInput = FileHandle.nullDevice
        let (exit, continuation) = AsyncStream<Int32>.makeStream()
        process.terminationHandler = { finished in
            continuation.yield(finished.terminationStatus)
            continuation.finish()
        }
        do { try process.run() } catch {
            try? FileManager.default.removeItem(atPath: outPath)
            try? FileManager.default.removeItem(atPath: errPath)
            throw error
        }
        // why: only our own child, and only while it still runs, so a reused pid is never hit
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout) {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
        return Running(outPath: outPath, errPath: errPath, exit: exit)
    }

    /// `bulkops` with `arguments`, talking to `server` with `token` through the environment.
    static func bulkops(_ arguments: [String], server: ServerProcess, token: String? = nil,
                        timeout: TimeInterval = 60) async throws -> Result {
        try await startBulkops(arguments, server: server, token: token, timeout: timeout).result()
    }

    /// `bulkops` with `arguments` in the background, talking to `server` with `token` through the environment.
    static func startBulkops(_ arguments: [String], server: ServerProcess, token: String? = nil,
                             timeout: TimeInterval = 60) throws -> Running {
        try start(ServerProcess.binary, arguments,
                  environment: ["BULKOPS_URL": "http://127.0.0.1:\(server.port)",
                                "BULKOPS_TOKEN": token ?? server.adminToken],
                  timeout: timeout)
    }
}
