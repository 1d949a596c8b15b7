import Testing
@testable import Transport

struct HTTPConnectionStateMachineTests {
    private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test func pipelinedRequestsAreServedOneAtATimeInOrder() {
        var machine = HTTPConnectionStateMachine(configuration: HTTPServerConfiguration())
        let action = machine.bytesReceived(
            bytes("GET /1 HTTP/1.1\r\nHost: h\r\n\r\nGET /2 HTTP/1.1\r\nHost: h\r\n\r\n"))
        guard case .handle(let first) = action else {
            Issue.record("expected the first request, got \(action)")
            return
        }
        #expect(first.target == "/1")
        // The second request waits until the first response is written.
        #expect(machine.bytesReceived([]) == .none)
        guard case .write(_, thenClose: false) = machine.responseReady(HTTPResponse(status: 200)) else {
            Issue.record("expected a keep-alive write")
            return
        }
        guard case .handle(let second) = machine.flushed() else {
            Issue.record("expected the second request")
            return
        }
        #expect(second.target == "/2")
    }

    @Test func timersDecideBetweenSilentCloseAnd408() {
        var idle = HTTPConnectionStateMachine(configuration: HTTPServerConfiguration())
        #expect(idle.advance() == .awaitData(.idle))
        #expect(idle.timerFired(.idle) == .close)

        var slow = HTTPConnectionStateMachine(configuration: HTTPServerConfiguration())
        #expect(slow.bytesReceived(bytes("GET / HTTP/1.1\r\nHo")) == .awaitData(.header))
        #expect(slow.bytesReceived(bytes("st: h\r\n")) == .awaitData(.header))
        #expect(slow.timerFired(.header) == .reject(408))

        var body = HTTPConnectionStateMachine(configuration: HTTPServerConfiguration())
        let partialBody = bytes("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nab")
        #expect(body.bytesReceived(partialBody) == .awaitData(.body))
        #expect(body.timerFired(.body) == .reject(408))
    }

    @Test func connectionCloseAndShutdown() {
        var machine = HTTPConnectionStateMachine(configuration: HTTPServerConfiguration())
        _ = machine.bytesReceived(bytes("GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n"))
        guard case .write(let output, thenClose: true) = machine.responseReady(HTTPResponse(status: 200)) else {
            Issue.record("expected a closing write")
            return
        }
        #expect(String(decoding: output, as: UTF8.self).contains("Connection: close"))

        var busy = HTTPConnectionStateMachine(configuration: HTTPServerConfiguration())
        _ = busy.bytesReceived(bytes("GET / HTTP/1.1\r\nHost: h\r\n\r\n"))
        #expect(busy.shutdown() == .none)
        guard case .write(_, thenClose: true) = busy.responseReady(HTTPResponse(status: 200)) else {
            Issue.record("a response during shutdown must close")
            return
        }

        var idle = HTTPConnectionStateMachine(configuration: HTTPServerConfiguration())
        #expect(idle.shutdown() == .close)
    }

    @Test func http10KeepAliveIsAnnouncedAndDefaultsToClose() {
        var keepAlive = HTTPConnectionStateMachine(configuration: HTTPServerConfiguration())
        _ = keepAlive.bytesReceived(bytes("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n"))
        guard case .write(let output, thenClose: false) = keepAlive.responseReady(HTTPResponse(status: 200)) else {
            Issue.record("expected a keep-alive write")
            return
        }
        #expect(String(decoding: output, as: UTF8.self).contains("Connection: keep-alive\r\n"))

        var plain = HTTPConnectionStateMachine(configuration: HTTPServerConfiguration())
        _ = plain.bytesReceived(bytes("GET / HTTP/1.0\r\n\r\n"))
        guard case .write(_, thenClose: true) = plain.responseReady(HTTPResponse(status: 200)) else {
            Issue.record("HTTP/1.0 without keep-alive must close")
            return
        }
    }

    @Test func upgradeRequestsGoToTheUpgradePath() {
        var machine = HTTPConnectionStateMachine(configuration: HTTPServerConfiguration())
        let action = machine.bytesReceived(bytes(
            "GET /ws HTTP/1.1\r\nHost: h\r\nUpgrade: WebSocket\r\nConnection: keep-alive, Upgrade\r\n\r\n") + [0x81])
        guard case .upgrade(let request) = action else {
            Issue.record("expected an upgrade, got \(action)")
            return
        }
        #expect(request.path == "/ws")
        machine.upgradeAccepted()
        #expect(machine.takeBufferedBytes() == [0x81])
    }
}
