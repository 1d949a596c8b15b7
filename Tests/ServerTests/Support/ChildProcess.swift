import Foundation

/// Runs a program (the `bulkops` CLI, the Python client) to completion with its output in files, waiting on its
/// termination handler rather than blocking a thread, and killing it after `timeout`.
struct ChildProcess {
    /// What the program did.
    struct Result: Sendable, CustomStringConvertible {
        var status: Int32
        var stdout: String
        var stderr: String
        var description: String { "exit \(status)\nstdout: \(stdout)\nstderr: \(stderr)" }
    }

    static func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:],
                    timeout: TimeInterval = 60) async throws -> Result {
        let base = NSTemporaryDirectory() + "bulkops-child-" + UUID().uuidString.prefix(8)
        let outPath = base + ".out"
        let errPath = base + ".err"
        _ = FileManager.default.createFile(atPath: outPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        defer {
            try? FileManager.default.removeItem(atPath: outPath)
            try? FileManager.default.removeItem(atPath: errPath)
        }
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
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { finished in continuation.resume(returning: finished.terminationStatus) }
            do { try process.run() } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
                return
            }
            // why: only our own child, and only while it still runs, so a reused pid is never hit
            DispatchQueue.global().asyncAfter(deadline: .now() + timeout) {
                if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            }
        }
        let stdout = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
        let stderr = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        return Result(status: status, stdout: stdout, stderr: stderr)
    }

    /// `bulkops` with `arguments`, talking to `server` with `token` through the environment.
    static func bulkops(_ arguments: [String], server: ServerProcess, token: String? = nil,
                        timeout: TimeInterval = 60) async throws -> Result {
        try await run(ServerProcess.binary, arguments,
                      environment: ["BULKOPS_URL": "http://127.0.0.1:\(server.port)",
                                    "BULKOPS_TOKEN": token ?? server.adminToken],
                      timeout: timeout)
    }
}
