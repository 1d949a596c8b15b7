import Foundation
import Glibc
import Orchestrator
import Transport

/// The CLI's side of the HTTP API: one request per call on the event-loop client, with every failure turned into
/// the one line the user sees (`job job_x not found (404 not_found)`, `cannot connect to … (connection refused)`).
struct APIClient: Sendable {
    /// A successful answer: its status, raw body (for `--json`) and the body as JSON.
    struct Reply: Sendable {
        var status: Int
        var body: [UInt8]
        var json: JSONValue { (try? JSONDecoder().decode(JSONValue.self, from: Data(body))) ?? .null }
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    let endpoint: ServerEndpoint
    let token: String

    /// Reads `--url` and `--token` over `BULKOPS_URL` and `BULKOPS_TOKEN`.
    init(_ arguments: CommandArguments, environment: [String: String]) throws {
        let url = arguments["url"] ?? environment["BULKOPS_URL"].flatMap { $0.isEmpty ? nil : $0 }
            ?? ServerEndpoint.defaultURL
        endpoint = try ServerEndpoint(url)
        guard let token = arguments["token"] ?? environment["BULKOPS_TOKEN"], !token.isEmpty else {
            throw CommandLineError("no token: pass --token or set BULKOPS_TOKEN")
        }
        self.token = token
    }

    /// Sends one request; a status of 300 or more throws the API's error as one line.
    /// - Parameters:
    ///   - notFound: what a 404 means here (`job job_x`), for a message better than the route's.
    ///   - timeout: for connecting and for the answer each, instead of the client's defaults (10 s and 30 s).
    func send(_ method: String, _ target: String, body: JSONValue? = nil, notFound: String? = nil,
              timeout: Duration? = nil) async throws -> Reply {
        let client = try await connect(timeout: timeout)
        defer { Task { await client.close() } }
        var headers = HTTPHeaders()
        headers.add(name: "Authorization", value: "Bearer " + token)
        headers.add(name: "Accept", value: "application/json")
        var bytes: [UInt8] = []
        if let body {
            headers.add(name: "Content-Type", value: "application/json")
            bytes = APIJSON.encode(body)
        }
        let response: HTTPResponse
        do {
            let request = HTTPRequest(method: method, target: target, headers: headers, body: bytes)
            response = try await client.send(request)
        } catch let error as TransportError {
            throw CommandLineError(describe(error, connecting: false), exitCode: 1)
        }
        let reply = Reply(status: response.status, body: response.body)
        guard response.status < 300 else { throw Self.failure(reply, notFound: notFound) }
        return reply
    }

    /// The one line for an error answer: the API's message with status and code.
    static func failure(_ reply: Reply, notFound: String?) -> CommandLineError {
        let error = reply.json["error"]
        let code = error?["code"]?.stringValue ?? HTTPResponse.reasonPhrase(for: reply.status).lowercased()
        var message = error?["message"]?.stringValue ?? "the server answered \(reply.status)"
        if reply.status == 404, let notFound { message = "\(notFound) not found" }
        if reply.status == 429, let wait = error?["details"]?["retryAfterSeconds"]?.intValue {
            message += "; try again in \(wait) s"
        }
        return CommandLineError("\(message) (\(reply.status) \(code))", exitCode: 1, status: reply.status)
    }

    private func connect(timeout: Duration?) async throws -> HTTPClient {
        let host = try await HostResolver.numericAddress(endpoint.host)
        do {
            return try await HTTPClient.connect(host: host, port: endpoint.port,
                                                configuration: Self.configuration(timeout: timeout))
        } catch let error as TransportError {
            throw CommandLineError(describe(error, connecting: true), exitCode: 1)
        }
    }

    /// Opens the live stream with the token in the query, as browsers must.
    /// - Parameter timeout: for the connect and the opening handshake, instead of the client's default (10 s).
    func openStream(timeout: Duration? = nil) async throws -> WebSocketConnection {
        let host = try await HostResolver.numericAddress(endpoint.host)
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
        let encoded = token.addingPercentEncoding(withAllowedCharacters: allowed) ?? token
        var configuration = WebSocketConfiguration()
        configuration.pingInterval = .seconds(20)
        do {
            return try await WebSocketClient.connect(host: host, port: endpoint.port,
                                                     target: "/v1/stream?access_token=" + encoded,
                                                     configuration: configuration,
                                                     clientConfiguration: Self.configuration(timeout: timeout))
        } catch let error as TransportError {
            if error.code == .protocolViolation, let status = Self.refusedStatus(error.message) {
                let reason = status == 401 ? "the token was not accepted" : "the server refused the stream"
                throw CommandLineError("\(reason) (\(status) \(Self.codeName(status)))", exitCode: 1,
                                       status: status)
            }
            throw CommandLineError(describe(error, connecting: true), exitCode: 1)
        }
    }

    private static func configuration(timeout: Duration?) -> HTTPClientConfiguration {
        var configuration = HTTPClientConfiguration()
        if let timeout {
            configuration.connectTimeout = timeout
            configuration.requestTimeout = timeout
        }
        return configuration
    }

    private static func refusedStatus(_ message: String) -> Int? {
        guard let range = message.range(of: "with status ") else { return nil }
        return Int(message[range.upperBound...].prefix { $0.isNumber })
    }

    private static func codeName(_ status: Int) -> String {
        switch status {
        case 401: "unauthorized"
        case 403: "forbidden"
        case 404: "not_found"
        case 429: "rate_limited"
        case 503: "shutting_down"
        default: HTTPResponse.reasonPhrase(for: status).lowercased()
        }
    }

    private func describe(_ error: TransportError, connecting: Bool) -> String {
        let reason: String
        if let system = error.systemCallError {
            reason = String(cString: strerror(system.errno)).lowercased()
        } else {
            switch error.code {
            case .timedOut: reason = "timed out"
            case .connectionClosed: reason = "the connection was closed"
            case .invalidAddress: reason = "not an address"
            default: reason = error.message
            }
        }
        return connecting ? "cannot connect to \(endpoint) (\(reason))" : "\(endpoint) failed to answer (\(reason))"
    }
}
