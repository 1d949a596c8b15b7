import Transport

/// `/v1/echo` (only with `--websocket-echo`): sends every message back unchanged, for conformance testing of the
/// WebSocket layer the stream uses.
enum EchoSession {
    static func run(_ connection: WebSocketConnection) async {
        for await message in connection.messages {
            switch message {
            case .text(let text): try? connection.send(text: text)
            case .binary(let bytes): try? connection.send(binary: bytes)
            }
        }
    }
}
