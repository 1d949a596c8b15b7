import Foundation
import Orchestrator
import Synchronization
import Transport

/// A `/v1/stream` client on Transport's WebSocketClient that records every message with the time it arrived,
/// so tests can wait for a condition (bounded in time) and then assert over the whole conversation.
final class StreamRecorder: Sendable {
    /// One received message.
    struct Received: Sendable {
        var json: JSONValue
        var at: Date
        var type: String? { json["type"]?.stringValue }
        var event: String? { json["event"]?.stringValue }
        var job: JSONValue? { json["job"] }
        var jobId: String? { json["job"]?["id"]?.stringValue }
        var seq: Int? { json["job"]?["seq"]?.intValue }
        var state: String? { json["job"]?["state"]?.stringValue }
    }

    let connection: WebSocketConnection
    private let received = Mutex<[Received]>([])
    private let reader = Mutex<Task<Void, Never>?>(nil)

    private init(connection: WebSocketConnection) {
        self.connection = connection
    }

    /// Connects with `?access_token=`; with `read: false` nothing is ever taken from the connection (a staller).
    static func connect(port: Int, token: String, read: Bool = true,
                        configuration: WebSocketConfiguration = WebSocketConfiguration()) async throws
        -> StreamRecorder {
        let connection = try await WebSocketClient.connect(host: "127.0.0.1", port: port,
                                                           target: "/v1/stream?access_token=" + token,
                                                           configuration: configuration)
        let recorder = StreamRecorder(connection: connection)
        if read { recorder.startReading() }
        return recorder
    }

    /// Starts taking messages (for a staller that resumes reading).
    func startReading() {
        let task = Task { [self] in
            for await message in connection.messages {
                guard case .text(let text) = message else { continue }
                let json = (try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))) ?? .null
                received.withLock { $0.append(Received(json: json, at: Date())) }
            }
        }
        reader.withLock { $0 = task }
    }

    var messages: [Received] { received.withLock { $0 } }

    /// Job events (`type: job`) of one job, in arrival order.
    func events(of jobId: String) -> [Received] {
        messages.filter { $0.type == "job" && $0.jobId == jobId }
    }

    func send(_ value: JSONValue) throws {
        let data = try JSONEncoder().encode(value)
        try connection.send(text: String(decoding: data, as: UTF8.self))
    }

    func subscribe(_ jobs: [String], since: [String: Int] = [:]) throws {
        var message: [String: JSONValue] = ["op": "subscribe", "jobs": .array(jobs.map { .string($0) })]
        if !since.isEmpty { message["since"] = .object(since.mapValues { .number(Double($0)) }) }
        try send(.object(message))
    }

    /// Waits until `condition` holds over the messages so far, checking every 20 ms for at most `timeout`.
    @discardableResult
    func wait(timeout: TimeInterval = 30, _ what: String,
              until condition: ([Received]) -> Bool) async throws -> [Received] {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let now = messages
            if condition(now) { return now }
            try await Task.sleep(nanoseconds: 20_000_000)
        }
        throw TestFailure("stream: timed out after \(timeout) s waiting for \(what); got \(messages.count) messages")
    }

    /// Waits for the `finished` event of `jobId`.
    func waitForFinish(_ jobId: String, timeout: TimeInterval = 60) async throws {
        try await wait(timeout: timeout, "job \(jobId) to finish") { list in
            list.contains { $0.type == "job" && $0.jobId == jobId && $0.event == "finished" }
        }
    }

    /// How the connection ended, waiting at most `timeout`; nil if it is still open.
    func closeInfo(within timeout: TimeInterval) async -> WebSocketCloseInfo? {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let info = connection.closeInfo { return info }
            try? await Task.sleep(nanoseconds: 20_000_000)
        }
        return connection.closeInfo
    }

    func close() async {
        await connection.close()
        reader.withLock { $0?.cancel() }
    }
}
