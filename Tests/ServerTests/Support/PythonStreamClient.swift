import Foundation
import Orchestrator

/// Runs `Python/stream_client.py` (the `websockets` package: a client we did not write) and returns the messages it
/// printed. The interpreter is `BULKOPS_PYTHON` (scripts/test makes a venv with `websockets`), else `python3`; a
/// missing module is an error with the fix in it, never a skip.
enum PythonStreamClient {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Python/stream_client.py").path

    private static func interpreter() -> (String, [String]) {
        if let python = ProcessInfo.processInfo.environment["BULKOPS_PYTHON"], !python.isEmpty { return (python, []) }
        return ("/usr/bin/env", ["python3"])
    }

    /// Fails clearly when the interpreter cannot import `websockets`.
    static func checkAvailable() async throws {
        let (executable, prefix) = interpreter()
        let result = try await ChildProcess.run(executable, prefix + ["-c", "import websockets"], timeout: 30)
        guard result.status == 0 else {
            throw TestFailure("the Python client needs the websockets package: set BULKOPS_PYTHON to a venv's python "
                              + "with it (scripts/test does), or `pip install websockets`; \(result.stderr)")
        }
    }

    static func run(port: Int, token: String, job: String, since: Int? = nil, untilFinished: Bool = true,
                    timeout: TimeInterval = 60) async throws -> [JSONValue] {
        let (executable, prefix) = interpreter()
        var arguments = prefix + [script, String(port), token, job, "--timeout", String(Int(timeout))]
        if let since { arguments += ["--since", String(since)] }
        if untilFinished { arguments.append("--until-finished") }
        let result = try await ChildProcess.run(executable, arguments, timeout: timeout + 15)
        guard result.status == 0 else { throw TestFailure("stream_client.py failed: \(result)") }
        return result.stdout.split(separator: "\n").compactMap {
            try? JSONDecoder().decode(JSONValue.self, from: Data($0.utf8))
        }
    }
}
