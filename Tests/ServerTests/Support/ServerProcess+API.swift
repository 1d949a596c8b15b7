import Foundation
import Orchestrator
import Testing
import Transport

extension ServerProcess {
    /// One exchange with exactly the headers given: no token is added (for the 401 tests).
    func bare(_ method: String, _ target: String, body: [UInt8] = [], headers: [(String, String)] = []) async throws
        -> APIReply {
        let client = try await HTTPClient.connect(host: "127.0.0.1", port: port)
        defer { Task { await client.close() } }
        let response = try await client.send(HTTPRequest(method: method, target: target, headers: HTTPHeaders(headers),
                                                         body: body))
        return APIReply(response: response)
    }

    /// Creates a records.setStatus job and returns its id, failing the test with the answer when it is not 201.
    func createJob(ids: [String]? = nil, filter: String? = nil, to status: String = "archived", chunkSize: Int = 10,
                   rate: Double? = nil, token: String? = nil, extra: String = "") async throws -> String {
        let selection = ids.map { "\"ids\":[\($0.map { "\"\($0)\"" }.joined(separator: ","))]" }
            ?? "\"filter\":\(filter ?? "{}")"
        let throttle = rate.map { ",\"maxItemsPerSecond\":\($0)" } ?? ""
        let confirm = status == "finalized" ? ",\"confirm\":\"FINALIZE\"" : ""
        let body = """
            {"kind":"records.setStatus","selection":{"entity":"records",\(selection)},"params":{"to":"\(status)"},\
            "chunkSize":\(chunkSize)\(throttle)\(confirm)\(extra)}
            """
        let reply = try await call("POST", "/v1/jobs", body: body, token: token)
        guard reply.status == 201, let id = reply.json["id"]?.stringValue else {
            throw TestFailure("create answered \(reply.status): \(reply.text)")
        }
        return id
    }

    func job(_ id: String) async throws -> JSONValue {
        try await call("GET", "/v1/jobs/\(id)").json
    }

    /// Polls the job (every 50 ms, at most `timeout`) until `condition` holds for it.
    @discardableResult
    func waitForJob(_ id: String, timeout: TimeInterval = 60, _ what: String = "a terminal state",
                    until condition: (JSONValue) -> Bool = { job in
                        job["state"]?.stringValue.flatMap(JobState.init(rawValue:))?.isTerminal ?? false
                    }) async throws -> JSONValue {
        let deadline = Date().addingTimeInterval(timeout)
        var last: JSONValue = .null
        while Date() < deadline {
            last = try await job(id)
            if condition(last) { return last }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        throw TestFailure("job \(id) did not reach \(what) within \(timeout) s; last: \(last)")
    }

    /// Ids of records in `status` (the demo practice has drafts, finalized and archived records).
    func recordIds(status: String? = nil, limit: Int, cursor: Int = 0) async throws -> [String] {
        let query = status.map { "status=\($0)&" } ?? ""
        let reply = try await call("GET", "/v1/records?\(query)limit=\(limit)&cursor=\(cursor)")
        let ids = reply.json["items"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
        guard ids.count == limit else {
            throw TestFailure("wanted \(limit) records in \(status ?? "any"), got \(ids.count)")
        }
        return ids
    }

    /// A new token of `role`, made by the admin.
    func token(role: String, name: String = "test") async throws -> (id: String, secret: String) {
        let reply = try await call("POST", "/v1/tokens", body: "{\"name\":\"\(name)\",\"role\":\"\(role)\"}")
        guard reply.status == 201, let id = reply.json["id"]?.stringValue,
              let secret = reply.json["token"]?.stringValue
        else { throw TestFailure("token create answered \(reply.status): \(reply.text)") }
        return (id, secret)
    }
}

/// Checks the API's one error shape and returns the error object.
@discardableResult
func expectError(_ reply: APIReply, _ status: Int, _ code: String,
                 sourceLocation: SourceLocation = #_sourceLocation) -> JSONValue {
    #expect(reply.status == status, "expected \(status) \(code), got \(reply.status): \(reply.text)",
            sourceLocation: sourceLocation)
    let error = reply.json["error"] ?? .null
    #expect(error["code"]?.stringValue == code, "code in \(reply.text)", sourceLocation: sourceLocation)
    let message = error["message"]?.stringValue ?? ""
    #expect(!message.isEmpty, "message in \(reply.text)", sourceLocation: sourceLocation)
    #expect(error["details"]?.objectValue != nil, "details object in \(reply.text)", sourceLocation: sourceLocation)
    #expect(reply.response.headers["Content-Type"]?.hasPrefix("application/json") == true,
            sourceLocation: sourceLocation)
    return error
}
