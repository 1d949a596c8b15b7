import Foundation
import Orchestrator
import Testing

/// A real `bulkops serve --demo` with a staff and a manager token, and the calls the domain tests share.
struct DemoServer {
    let server: ServerProcess
    let staffToken: String
    let managerToken: String

    static func start(arguments: [String] = [], dataDirectory: String? = nil) async throws -> DemoServer {
        let server = try await ServerProcess.start(dataDirectory: dataDirectory, arguments: ["--demo"] + arguments)
        func token(_ name: String, _ role: String) async throws -> String {
            let reply = try await server.call("POST", "/v1/tokens", body: #"{"name":"\#(name)","role":"\#(role)"}"#)
            return try #require(reply.json["token"]?.stringValue, "token: \(reply.text)")
        }
        return DemoServer(server: server, staffToken: try await token("Front desk", "staff"),
                          managerToken: try await token("Practice manager", "manager"))
    }

    func stop() async { await server.stop() }

    func call(_ method: String, _ target: String, body: String? = nil, token: String? = nil) async throws -> APIReply {
        try await server.call(method, target, body: body, token: token)
    }

    /// Every row of a list, following the cursor.
    func all(_ path: String, token: String? = nil) async throws -> [JSONValue] {
        var rows: [JSONValue] = []
        var cursor: String?
        repeat {
            let separator = path.contains("?") ? "&" : "?"
            let target = path + separator + "limit=1000" + (cursor.map { "&cursor=" + $0 } ?? "")
            let reply = try await call("GET", target, token: token)
            #expect(reply.status == 200, "\(target): \(reply.text)")
            rows += reply.json["items"]?.arrayValue ?? []
            cursor = reply.json["nextCursor"]?.stringValue
        } while cursor != nil
        return rows
    }

    func row(_ entity: String, _ id: String) async throws -> JSONValue {
        try await call("GET", "/v1/\(entity)/\(id)").json
    }

    /// Creates a job and expects 201.
    func create(_ body: JSONValue, token: String? = nil) async throws -> JSONValue {
        let reply = try await call("POST", "/v1/jobs", body: Self.text(body), token: token)
        #expect(reply.status == 201, "create: \(reply.text)")
        return reply.json
    }

    /// Creates a job, waits for it to finish and returns the finished job.
    func run(_ body: JSONValue, token: String? = nil) async throws -> JSONValue {
        let job = try await create(body, token: token)
        return try await wait(try #require(job["id"]?.stringValue))
    }

    func wait(_ id: String, timeout: TimeInterval = 60) async throws -> JSONValue {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let job = try await call("GET", "/v1/jobs/\(id)").json
            if let state = job["state"]?.stringValue,
               ["succeeded", "completedWithErrors", "failed", "cancelled", "rejected"].contains(state) { return job }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        throw TestFailure("job \(id) did not finish within \(timeout) s")
    }

    /// Per-item results of a job by item id.
    func outcomes(_ id: String) async throws -> [String: (status: String, reason: String?)] {
        var out: [String: (String, String?)] = [:]
        for item in try await all("/v1/jobs/\(id)/items") {
            out[item["itemId"]?.stringValue ?? ""] = (item["status"]?.stringValue ?? "", item["reason"]?.stringValue)
        }
        return out
    }

    func preview(_ body: JSONValue, token: String? = nil) async throws -> JSONValue {
        let reply = try await call("POST", "/v1/jobs/preview", body: Self.text(body), token: token)
        #expect(reply.status == 200, "preview: \(reply.text)")
        return reply.json
    }

    static func text(_ value: JSONValue) -> String {
        String(decoding: (try? JSONEncoder().encode(value)) ?? Data(), as: UTF8.self)
    }

    static func ids(_ rows: [JSONValue]) -> [String] { rows.compactMap { $0["id"]?.stringValue } }

    /// The UTC day `offset` days from today, as `YYYY-MM-DD`.
    static func day(_ offset: Int) -> String {
        String(Timestamp.string(Date().addingTimeInterval(Double(offset) * 86_400)).prefix(10))
    }
}

extension JSONValue {
    var string: String? { stringValue }
    var int: Int? { intValue }
}
