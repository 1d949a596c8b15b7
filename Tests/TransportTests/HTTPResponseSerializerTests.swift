import Testing
@testable import Transport

struct HTTPResponseSerializerTests {
    private func text(_ response: HTTPResponse, head: Bool = false, keepAlive: Bool = true) -> String {
        String(decoding: HTTPResponseSerializer.serialize(response, isHeadRequest: head, keepAlive: keepAlive),
               as: UTF8.self)
    }

    @Test func headerValuesCannotInjectLines() {
        let response = HTTPResponse(status: 200, headers: ["X-Evil": "a\r\nSet-Cookie: b", "Bad Name": "v"])
        let output = text(response)
        #expect(output.contains("X-Evil: a  Set-Cookie: b\r\n"))
        #expect(!output.contains("\r\nSet-Cookie"))
        #expect(!output.contains("Bad Name"))
    }

    @Test func lengthIsAlwaysStatedAndFramingHeadersAreOurs() {
        let response = HTTPResponse(
            status: 200, headers: ["Content-Length": "999", "Transfer-Encoding": "chunked"], body: Array("hi".utf8))
        let output = text(response)
        #expect(output == "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi")
    }

    @Test func headAnd204AndClose() {
        let response = HTTPResponse(status: 200, body: Array("hello".utf8))
        #expect(text(response, head: true) == "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n")
        #expect(text(HTTPResponse(status: 204), keepAlive: false)
            == "HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n")
        #expect(text(HTTPResponse(status: 42)).hasPrefix("HTTP/1.1 500 "))
    }
}
