import Testing
@testable import Transport

struct WebSocketHandshakeTests {
    private func request(_ headers: HTTPHeaders, method: String = "GET") -> HTTPRequest {
        HTTPRequest(method: method, target: "/ws", headers: headers)
    }

    private let good: HTTPHeaders = [
        "Host": "h", "Upgrade": "websocket", "Connection": "Upgrade",
        "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version": "13",
    ]

    @Test func acceptKeyMatchesRFC6455() {
        #expect(WebSocketHandshake.acceptValue(forKey: "dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
    }

    @Test func validUpgradeWithTokenListsAndAnyCase() {
        var headers = good
        headers.replaceOrAdd(name: "upgrade", value: "WebSocket")
        headers.replaceOrAdd(name: "connection", value: "keep-alive, UPGRADE")
        #expect(WebSocketHandshake.validate(request(headers)) == .success("dGhlIHNhbXBsZSBub25jZQ=="))
        let response = WebSocketHandshake.acceptResponse(key: "dGhlIHNhbXBsZSBub25jZQ==", subprotocol: "chat")
        #expect(response.status == 101)
        #expect(response.headers["Sec-WebSocket-Accept"] == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
        #expect(response.headers["Sec-WebSocket-Protocol"] == "chat")
        #expect(response.headers["Sec-WebSocket-Extensions"] == nil)
    }

    @Test func refusals() {
        var version = good
        version.replaceOrAdd(name: "Sec-WebSocket-Version", value: "8")
        #expect(WebSocketHandshake.validate(request(version)) == .failure(.unsupportedVersion))
        #expect(WebSocketHandshake.Failure.unsupportedVersion.response.status == 426)
        #expect(WebSocketHandshake.Failure.unsupportedVersion.response.headers["Sec-WebSocket-Version"] == "13")

        var shortKey = good
        shortKey.replaceOrAdd(name: "Sec-WebSocket-Key", value: "c2hvcnQ=")
        #expect(WebSocketHandshake.validate(request(shortKey)) == .failure(.invalidKey))
        var noKey = good
        noKey.remove(name: "Sec-WebSocket-Key")
        #expect(WebSocketHandshake.validate(request(noKey)) == .failure(.invalidKey))

        var noConnection = good
        noConnection.replaceOrAdd(name: "Connection", value: "keep-alive")
        #expect(WebSocketHandshake.validate(request(noConnection)) == .failure(.notAnUpgrade))
        #expect(WebSocketHandshake.validate(request(good, method: "POST")) == .failure(.notAnUpgrade))
        #expect(WebSocketHandshake.Failure.notAnUpgrade.response.status == 400)
    }

    @Test func clientChecksTheAnswer() {
        let key = WebSocketHandshake.makeKey()
        let response = WebSocketHandshake.acceptResponse(key: key, subprotocol: nil)
        #expect(WebSocketHandshake.isValidAcceptResponse(status: 101, headers: response.headers, key: key))
        #expect(!WebSocketHandshake.isValidAcceptResponse(status: 101, headers: response.headers, key: "other"))
        #expect(!WebSocketHandshake.isValidAcceptResponse(status: 200, headers: response.headers, key: key))
    }
}
