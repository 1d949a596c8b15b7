import Testing
@testable import Transport

struct HTTPResponseParserTests {
    private func parse(_ chunks: [[UInt8]], head: Bool = false) -> [String] {
        var parser = HTTPResponseParser(configuration: HTTPClientConfiguration())
        var seen: [String] = []
        for chunk in chunks {
            parser.append(chunk)
            events: while true {
                switch parser.next(isHeadRequest: head) {
                case .needMoreData: break events
                case .response(let response):
                    seen.append("\(response.status) \(String(decoding: response.body, as: UTF8.self))")
                case .failed(let error):
                    seen.append("error \(error.code)")
                    return seen
                }
            }
        }
        return seen
    }

    private func expectAtEverySplit(_ text: String, head: Bool = false, _ expected: [String]) {
        let bytes = Array(text.utf8)
        for split in 0...bytes.count {
            #expect(parse([Array(bytes[..<split]), Array(bytes[split...])], head: head) == expected, "split \(split)")
        }
    }

    @Test func contentLengthChunkedAndBodiless() {
        expectAtEverySplit("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhiHTTP/1.1 204 No Content\r\n\r\n",
                           ["200 hi", "204 "])
        expectAtEverySplit(
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n1;x=y\r\nc\r\n0\r\nT: 1\r\n\r\n",
            ["200 abc"])
        expectAtEverySplit("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", head: true, ["200 "])
        expectAtEverySplit("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", ["error protocolViolation"])
    }

    @Test func closeDelimitedBody() {
        var parser = HTTPResponseParser(configuration: HTTPClientConfiguration())
        parser.append(Array("HTTP/1.0 200 OK\r\n\r\nuntil close".utf8))
        guard case .needMoreData = parser.next(isHeadRequest: false) else {
            Issue.record("a close-delimited body cannot be complete before the close")
            return
        }
        #expect(parser.finishAtClose()?.body == Array("until close".utf8))
    }

    @Test func limits() {
        var configuration = HTTPClientConfiguration()
        configuration.maxResponseBodySize = 4
        var parser = HTTPResponseParser(configuration: configuration)
        parser.append(Array("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n".utf8))
        guard case .failed(let error) = parser.next(isHeadRequest: false) else {
            Issue.record("expected a refusal")
            return
        }
        #expect(error.code == .responseTooLarge)
    }
}
