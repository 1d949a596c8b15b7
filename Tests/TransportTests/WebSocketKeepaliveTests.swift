import Synchronization
import Testing
@testable import Transport

@Suite(.timeLimit(.minutes(1)))
struct WebSocketKeepaliveTests {
    private func keepaliveConfiguration() -> HTTPServerConfiguration {
        var configuration = HTTPServerConfiguration()
        configuration.webSocket.pingInterval = .milliseconds(100)
        configuration.webSocket.pingTimeout = .milliseconds(100)
        return configuration
    }

    @Test func answeringPeersStayConnected() async throws {
        try await withServer(configuration: keepaliveConfiguration(), upgradeHandler: echoUpgrade) { _, port in
            let socket = try await WebSocketClient.connect(port: port, target: "/echo")
            // Several ping intervals pass; the client's automatic pongs keep it alive.
            try await Task.sleep(for: .milliseconds(500))
            #expect(socket.closeInfo == nil)
            try socket.send(text: "still here")
            var iterator = socket.messages.makeAsyncIterator()
            #expect(await iterator.next() == .text("still here"))
            await socket.close()
        }
    }

    @Test func silentPeersAreDroppedAfterThePingTimeout() async throws {
        let serverSaw = Mutex<WebSocketCloseInfo?>(nil)
        try await withServer(configuration: keepaliveConfiguration(), upgradeHandler: { _ in
            .accept { connection in
                let info = await connection.closed()
                serverSaw.withLock { $0 = info }
            }
        }) { _, port in
            // A raw client that completes the handshake and then never answers anything.
            let raw = try await HTTPClient.connect(port: port, configuration: shortClientConfiguration())
            let handshake = "GET / HTTP/1.1\r\nHost: t\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
            let responses = try await raw.exchange(raw: Array(handshake.utf8), headRequests: [false])
            #expect(responses[0].status == 101)
            #expect(responses[0].headers["Sec-WebSocket-Accept"] == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
            for _ in 0..<100 where serverSaw.withLock({ $0 }) == nil {
                try await Task.sleep(for: .milliseconds(20))
            }
            let info = serverSaw.withLock { $0 }
            #expect(info?.code == .abnormalClosure)
            #expect(info?.reason == "ping timeout")
            await raw.close()
        }
    }
}
