import Foundation
import Orchestrator
import Transport

/// The real `bulkops` binary running `serve` on 127.0.0.1 with a free port and a temporary data directory.
final class ServerProcess: @unchecked Sendable {
    let process: Process
    let port: Int
    let dataDirectory: String
    let adminToken: String
    let outputPath: String

    /// The built `bulkops` executable: `BULKOPS_BINARY`, or beside the test bundle.
    static var binary: String {
        if let path = ProcessInfo.processInfo.environment["BULKOPS_BINARY"] { return path }
        var url = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = url.appendingPathComponent("bulkops").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            url = url.deletingLastPathComponent()
        }
        return FileManager.default.currentDirectoryPath + "/.build/debug/bulkops"
    }

    static func temporaryDirectory(_ name: String = "data") -> String {
        let path = NSTemporaryDirectory() + "bulkops-test-" + UUID().uuidString.prefix(8) + "/" + name
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    private init(process: Process, port: Int, dataDirectory: String, adminToken: String, outputPath: String) {
        self.process = process
        self.port = port
        self.dataDirectory = dataDirectory
        self.adminToken = adminToken
        self.outputPath = outputPath
    }

    /// Starts `bulkops serve --port PORT --data DIR` plus `arguments` and waits (at most `timeout`) until it listens.
    /// - Parameter port: 0 for a free one; a given one to start again where an earlier server listened.
    static func start(dataDirectory: String? = nil, port: Int = 0, arguments: [String] = [],
                      timeout: TimeInterval = 60) async throws -> ServerProcess {
        let data = dataDirectory ?? temporaryDirectory()
        let outputPath = data + ".out-" + UUID().uuidString.prefix(6)
        _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["serve", "--host", "127.0.0.1", "--port", String(port), "--data", data] + arguments
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
            if let range = text.range(of: "listening on http://127.0.0.1:") {
                let digits = text[range.upperBound...].prefix { $0.isNumber }
                if let port = Int(digits) {
                    let token = ((try? String(contentsOfFile: data + "/admin.token", encoding: .utf8)) ?? "")
                        .trimmingCharacters(in: .whitespacesAndNewlines)
                    return ServerProcess(process: process, port: port, dataDirectory: data, adminToken: token, outputPath: outputPath)
                }
            }
            if !process.isRunning { throw TestFailure("bulkops exited early: \(text)") }
            try await Task.sleep(nanoseconds: 20_000_000)
        }
        process.terminate()
        throw TestFailure("bulkops did not start within \(timeout) s")
    }

    var output: String { (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "" }

    /// SIGTERM, then waits for the exit status.
    @discardableResult
    func stop() async -> Int32 {
        if process.isRunning { process.terminate() }
        return await waitForExit()
    }

    /// SIGKILL: the crash.
    func kill() async {
        if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) }
        _ = await waitForExit()
    }

    func waitForExit(timeout: TimeInterval = 60) async -> Int32 {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning, Date() < deadline { try? await Task.sleep(nanoseconds: 10_000_000) }
        if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// One HTTP exchange on a fresh connection; the body is parsed as JSON when it is JSON.
    func call(_ method: String, _ target: String, body: String? = nil, token: String? = nil,
              headers: [(String, String)] = []) async throws -> APIReply {
        let client = try await HTTPClient.connect(host: "127.0.0.1", port: port)
        defer { Task { await client.close() } }
        var fields = HTTPHeaders()
        if let token = token ?? (adminToken.isEmpty ? nil : adminToken) { fields.add(name: "Authorization", value: "Bearer " + token) }
        if body != nil { fields.add(name: "Content-Type", value: "application/json") }
        for (name, value) in headers { fields.add(name: name, value: value) }
        let response = try await client.send(HTTPRequest(method: method, target: target, headers: fields,
                                                         body: Array((body ?? "").utf8)))
        return APIReply(response: response)
    }
}

/// A response with its JSON body decoded.
struct APIReply: Sendable {
    let response: HTTPResponse
    var status: Int { response.status }
    var json: JSONValue { (try? JSONDecoder().decode(JSONValue.self, from: Data(response.body))) ?? .null }
    var text: String { String(decoding: response.body, as: UTF8.self) }
    var errorCode: String? { json["error"]?["code"]?.stringValue }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
