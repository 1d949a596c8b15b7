import Foundation
import Orchestrator
import Testing
import Transport

/// Every error of API.md against the real binary: the status, the one JSON shape, the details clients rely on,
/// and that none of the bad requests changes anything.
@Suite struct APIErrorTests {
    @Test func missingUnknownAndRevokedTokensAre401() async throws {
        let server = try await ServerProcess.start(arguments: ["--demo"])
        defer { Task { await server.stop() } }
        let missing = try await server.bare("GET", "/v1/jobs")
        expectError(missing, 401, "unauthorized")
        #expect(missing.response.headers["WWW-Authenticate"] == "Bearer")
        expectError(try await server.call("GET", "/v1/jobs", token: "bo_not_a_token"), 401, "unauthorized")
        expectError(try await server.bare("GET", "/v1/jobs", headers: [("Authorization", "Basic YTpi")]),
                    401, "unauthorized")
        let staff = try await server.token(role: "staff")
        #expect(try await server.call("GET", "/v1/jobs", token: staff.secret).status == 200)
        #expect(try await server.call("DELETE", "/v1/tokens/\(staff.id)").status == 204)
        expectError(try await server.call("GET", "/v1/jobs", token: staff.secret), 401, "unauthorized")
        let health = try await server.bare("GET", "/health")
        #expect(health.status == 200 && health.json["status"]?.stringValue == "ok")
    }

    @Test func staffCannotManageTokensOrApprove() async throws {
        let server = try await ServerProcess.start(arguments: ["--demo"])
        defer { Task { await server.stop() } }
        let staff = try await server.token(role: "staff", name: "Front desk")
        expectError(try await server.call("POST", "/v1/tokens", body: #"{"name":"x","role":"admin"}"#,
                                          token: staff.secret), 403, "forbidden")
        expectError(try await server.call("GET", "/v1/tokens", token: staff.secret), 403, "forbidden")
        let ids = try await server.recordIds(status: "draft", limit: 20)
        let job = try await server.createJob(ids: ids, chunkSize: 1, rate: 2, token: staff.secret)
        expectError(try await server.call("POST", "/v1/jobs/\(job)/approve", token: staff.secret), 403, "forbidden")
        expectError(try await server.call("POST", "/v1/jobs/\(job)/reject", token: staff.secret), 403, "forbidden")
        let tokens = try await server.call("GET", "/v1/tokens").json["items"]?.arrayValue ?? []
        #expect(tokens.count == 2, "the staff token's attempts created no token")
        #expect(try await server.call("POST", "/v1/jobs/\(job)/cancel", token: staff.secret).status == 202)
    }

    @Test func everyErrorCodeHasTheAPIShape() async throws {
        let server = try await ServerProcess.start(arguments: ["--demo", "--max-body-bytes", "4096"])
        defer { Task { await server.stop() } }
        let create = "/v1/jobs"
        // 400: malformed JSON, a non-object, an unknown field, unknown values
        expectError(try await server.call("POST", create, body: "{\"kind\":"), 400, "bad_request")
        expectError(try await server.call("POST", create, body: "[1,2]"), 400, "bad_request")
        let unknownField = expectError(
            try await server.call("POST", create, body: #"{"kind":"records.setStatus","x":1}"#), 400, "bad_request")
        #expect(unknownField["details"]?["field"]?.stringValue == "x")
        expectError(try await server.call("POST", create, body: """
            {"kind":"records.setStatus","selection":{"entity":"records","ids":["rec_00001"]},
             "params":{"to":"archived"},"onConflict":"maybe"}
            """), 400, "bad_request")
        expectError(try await server.call("POST", create, body: #"{"kind":"nope","selection":{},"params":{}}"#),
                    400, "bad_request")
        let badState = expectError(try await server.call("GET", "/v1/jobs?state=running,bogus"), 400, "bad_request")
        #expect(badState["details"]?["field"]?.stringValue == "state")
        #expect(badState["details"]?["allowed"]?.arrayValue?.contains("running") == true)
        expectError(try await server.call("GET", "/v1/jobs?kind=nope"), 400, "bad_request")
        expectError(try await server.call("GET", "/v1/jobs?limit=5000"), 400, "bad_request")
        expectError(try await server.call("GET", "/v1/records?colour=red"), 400, "bad_request")
        // 404
        expectError(try await server.call("GET", "/v1/jobs/job_nope"), 404, "not_found")
        expectError(try await server.call("POST", "/v1/jobs/job_nope/pause"), 404, "not_found")
        expectError(try await server.call("GET", "/v1/nothing"), 404, "not_found")
        // 422
        let drafts = try await server.recordIds(status: "draft", limit: 30)
        let validation = expectError(try await server.call("POST", create, body: """
            {"kind":"records.setStatus","selection":{"entity":"records","ids":["\(drafts[0])"]},
             "params":{"to":"draft"}}
            """), 422, "validation_failed")
        #expect(validation["details"]?["field"]?.stringValue == "params.to")
        let limit = expectError(try await server.call("POST", create, body: """
            {"kind":"records.setStatus","selection":{"entity":"records","filter":{}},"params":{"to":"archived"}}
            """), 422, "limit_exceeded")
        #expect(limit["details"]?["limit"]?.intValue == 1_000)
        #expect(limit["details"]?["count"]?.intValue == 3_000)
        let confirmation = expectError(try await server.call("POST", create, body: """
            {"kind":"records.setStatus","selection":{"entity":"records","ids":["\(drafts[0])","\(drafts[1])"]},
             "params":{"to":"finalized"},"confirm":"yes"}
            """), 422, "confirmation_required")
        #expect(confirmation["details"]?["phrase"]?.stringValue == "FINALIZE")
        #expect(confirmation["details"]?["count"]?.intValue == 2)
        // 409 conflict: a slow job holds its items
        let holder = try await server.createJob(ids: Array(drafts[0..<20]), chunkSize: 1, rate: 2)
        let conflict = expectError(try await server.call("POST", create, body: """
            {"kind":"records.setStatus","selection":{"entity":"records","ids":["\(drafts[5])","\(drafts[25])"]},
             "params":{"to":"archived"}}
            """), 409, "conflict")
        #expect(conflict["details"]?["jobs"]?.arrayValue == [.string(holder)])
        #expect(conflict["details"]?["items"]?.arrayValue == [.string(drafts[5])])
        #expect(conflict["details"]?["count"]?.intValue == 1)
        // 409 invalid_transition
        let resume = try await server.call("POST", "/v1/jobs/\(holder)/resume")
        let transition = expectError(resume, 409, "invalid_transition")
        #expect(transition["details"]?["state"]?.stringValue == "running")
        // 413 in the API's shape for a body over --max-body-bytes
        let big = "{\"kind\":\"" + String(repeating: "x", count: 5_000) + "\"}"
        let tooLarge = expectError(try await server.call("POST", create, body: big), 413, "payload_too_large")
        #expect(tooLarge["details"]?["limit"]?.intValue == 4_096)
        #expect(try await server.call("POST", "/v1/jobs/\(holder)/cancel").status == 202)
    }

    @Test func rateLimitedAnswers429WithRetryAfter() async throws {
        let server = try await ServerProcess.start(arguments: ["--rate-limit", "2"])
        defer { Task { await server.stop() } }
        let client = try await HTTPClient.connect(host: "127.0.0.1", port: server.port)
        defer { Task { await client.close() } }
        var headers = HTTPHeaders()
        headers.add(name: "Authorization", value: "Bearer " + server.adminToken)
        // why: pipelined on one connection, the 12 requests arrive together, far faster than 2 per second
        let responses = try await client.send(Array(repeating: HTTPRequest(method: "GET", target: "/v1/jobs",
                                                                           headers: headers), count: 12))
        let statuses = responses.map(\.status)
        #expect(statuses.prefix(4).allSatisfy { $0 == 200 }, "the burst of 4 is allowed: \(statuses)")
        let limited = responses.filter { $0.status == 429 }
        #expect(limited.count >= 6, "most of the rest are refused: \(statuses)")
        let first = try #require(limited.first)
        let error = expectError(APIReply(response: first), 429, "rate_limited")
        let retryAfter = try #require(first.headers["Retry-After"].flatMap { Int($0) })
        #expect(retryAfter >= 1)
        #expect(error["details"]?["retryAfterSeconds"]?.intValue == retryAfter)
        #expect(try await server.bare("GET", "/health").status == 200, "health is not limited")
        // another token has its own bucket
        let staff = try await server.call("POST", "/v1/tokens", body: #"{"name":"s","role":"staff"}"#)
        if staff.status == 201, let secret = staff.json["token"]?.stringValue {
            #expect(try await server.call("GET", "/v1/jobs", token: secret).status == 200)
        } else {
            #expect(staff.status == 429, "the admin is still limited: \(staff.text)")
        }
    }

    @Test func transportRefusalsCarryTheAPIShape() async throws {
        let server = try await ServerProcess.start()
        defer { Task { await server.stop() } }
        // 150 header fields is over the transport's limit of 100: refused before the API sees the request
        let headers = (0..<150).map { ("X-Filler-\($0)", "1") } + [("Authorization", "Bearer " + server.adminToken)]
        let reply = try await server.bare("GET", "/v1/jobs", headers: headers)
        #expect(reply.status == 431)
        // why: the transport answers these itself, through the server's refusal hook
        #expect(reply.json["error"]?["code"]?.stringValue == "request_header_fields_too_large", "body: \(reply.text)")
    }

    @Test func malformedRequestsNeverChangeState() async throws {
        let server = try await ServerProcess.start(arguments: ["--demo", "--max-body-bytes", "4096"])
        defer { Task { await server.stop() } }
        let drafts = try await server.recordIds(status: "draft", limit: 10)
        let done = try await server.createJob(ids: Array(drafts[0..<3]), to: "archived")
        try await server.waitForJob(done)
        func state() async throws -> [JSONValue] {
            var targets = ["0", "1000", "2000"].map { "/v1/records?limit=1000&cursor=\($0)" }
            targets += ["/v1/jobs?limit=1000", "/v1/tokens", "/v1/audit?limit=1000"]
            var pages: [JSONValue] = []
            for target in targets { pages.append(try await server.call("GET", target).json) }
            return pages
        }
        let before = try await state()
        let id = drafts[5]
        let one = #"{"entity":"records","ids":["\#(id)"]}"#
        let archive = #"{"to":"archived"}"#
        func job(_ selection: String, _ params: String = archive, _ extra: String = "") -> String {
            #"{"kind":"records.setStatus","selection":"# + selection + #","params":"# + params + extra + "}"
        }
        let bodies = [
            "", "{", "null", "[]", "\"x\"", "{\"kind\":1}", #"{"kind":"records.setStatus"}"#,
            job("[]"), job(#"{"entity":"records"}"#), job(#"{"entity":"records","ids":"\#(id)"}"#),
            job(#"{"entity":"records","ids":["\#(id)"],"filter":{}}"#),
            job(one, #"{"to":"draft"}"#), job(one, #"{"to":"archived","x":1}"#), job(one, #"{"to":"finalized"}"#),
            job(one, archive, #","chunkSize":0"#), job(one, archive, #","chunkSize":"9""#),
            job(one, archive, #","maxItemsPerSecond":-1"#), job(one, archive, #","scheduledFor":"soon""#),
            job(#"{"entity":"records","filter":{"colour":"red"}}"#), job(#"{"entity":"records","filter":{}}"#),
            "{\"kind\":\"" + String(repeating: "y", count: 5_000) + "\"}",
        ]
        for body in bodies {
            let reply = try await server.call("POST", "/v1/jobs", body: body)
            #expect((400..<500).contains(reply.status), "\(body.prefix(80)) answered \(reply.status)")
            #expect(reply.errorCode != nil, "\(body.prefix(80)): \(reply.text)")
        }
        for (method, target, body) in [("POST", "/v1/tokens", #"{"name":"x","role":"owner"}"#),
                                       ("POST", "/v1/tokens", #"{"name":"","role":"staff"}"#),
                                       ("POST", "/v1/tokens", #"{"name":"x","role":"staff","admin":true}"#),
                                       ("DELETE", "/v1/tokens/tok_nope", ""),
                                       ("POST", "/v1/jobs/\(done)/pause", ""), ("POST", "/v1/jobs/\(done)/cancel", ""),
                                       ("POST", "/v1/jobs/\(done)/retry-failed", "{\"confirm\":1}"),
                                       ("POST", "/v1/jobs/\(done)/retry-failed", ""),
                                       ("POST", "/v1/jobs/preview", "{"), ("PUT", "/v1/jobs", "{}")] {
            let reply = try await server.call(method, target, body: body.isEmpty ? nil : body)
            #expect((400..<500).contains(reply.status), "\(method) \(target) answered \(reply.status): \(reply.text)")
        }
        let after = try await state()
        #expect(before.count == after.count)
        for (index, (old, new)) in zip(before, after).enumerated() {
            #expect(old == new, "page \(index) of the records, jobs, tokens and audit changed")
        }
        #expect(before[3]["total"]?.intValue == 1 && before[2]["total"]?.intValue == 3_000)
    }
}
