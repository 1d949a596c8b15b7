import Foundation
import Synchronization
import Transport

/// One keep-alive HTTP connection to the API with the bearer token; reconnects (for GETs) when the connection was
/// closed under it. Answers are decoded with the harness's own small `Decodable` types.
final class APIClient: Sendable {
    /// A non-2xx answer.
    struct Failure: Error, CustomStringConvertible {
        var status: Int
        var body: String
        var description: String { "HTTP \(status): \(body.prefix(500))" }
    }

    let target: ServerTarget
    private let connection = Mutex<HTTPClient?>(nil)

    init(_ target: ServerTarget) {
        self.target = target
    }

    static func connect(_ target: ServerTarget) async throws -> APIClient {
        let client = APIClient(target)
        _ = try await client.client()
        return client
    }

    private func client() async throws -> HTTPClient {
        if let open = connection.withLock({ $0 }) { return open }
        let fresh = try await HTTPClient.connect(host: target.host, port: target.port)
        connection.withLock { $0 = fresh }
        return fresh
    }

    func close() async {
        let open = connection.withLock { state -> HTTPClient? in
            defer { state = nil }
            return state
        }
        await open?.close()
    }

    /// Sends one request and returns the raw response (any status).
    func send(_ method: String, _ path: String, body: [UInt8] = []) async throws -> HTTPResponse {
        var headers = HTTPHeaders()
        headers.add(name: "Authorization", value: "Bearer " + target.token)
        if !body.isEmpty { headers.add(name: "Content-Type", value: "application/json") }
        let request = HTTPRequest(method: method, target: path, headers: headers, body: body)
        do {
            return try await client().send(request)
        } catch is TransportError where method == "GET" {
            // why: a keep-alive connection may have been closed by the server's idle timeout or a restart
            connection.withLock { $0 = nil }
            return try await client().send(request)
        }
    }

    /// Sends and decodes a 2xx answer; throws `Failure` otherwise.
    func json<T: Decodable>(_ type: T.Type, _ method: String, _ path: String, body: [UInt8] = []) async throws -> T {
        let response = try await send(method, path, body: body)
        guard (200...299).contains(response.status) else {
            throw Failure(status: response.status, body: String(decoding: response.body, as: UTF8.self))
        }
        return try JSONDecoder().decode(T.self, from: Data(response.body))
    }

    /// Encodes a JSON object built from plain values (dictionaries, arrays, strings, numbers).
    static func body(_ object: [String: Any]) -> [UInt8] {
        (try? Array(JSONSerialization.data(withJSONObject: object))) ?? Array("{}".utf8)
    }
}
