import Testing
@testable import Transport

/// What parsing a fixture ends in, whatever the split.
enum ParseOutcome: Equatable {
    /// These requests (method and target, body) and then a need for more data.
    case requests([String])
    /// These requests, then a refusal with this status.
    case refused([String], status: Int)
}

func parserConfiguration() -> HTTPServerConfiguration {
    var configuration = HTTPServerConfiguration()
    configuration.maxRequestLineLength = 64
    configuration.maxHeaderBytes = 256
    configuration.maxHeaderCount = 5
    configuration.maxBodySize = 32
    configuration.maxChunkLineLength = 16
    return configuration
}

/// Feeds `chunks` in order, pulling events after each, and summarises what came out.
func parse(_ chunks: [[UInt8]], configuration: HTTPServerConfiguration = parserConfiguration()) -> ParseOutcome {
    var parser = HTTPRequestParser(configuration: configuration)
    var seen: [String] = []
    for chunk in chunks {
        parser.append(chunk)
        events: while true {
            switch parser.next() {
            case .needMoreData: break events
            case .continueRequested: seen.append("100-continue")
            case .request(let request):
                seen.append("\(request.method) \(request.target) \(String(decoding: request.body, as: UTF8.self))")
            case .failed(let error): return .refused(seen, status: error.status)
            }
        }
    }
    return .requests(seen)
}

/// The same outcome for the whole buffer, for every two-piece split and for single bytes.
func expectSameAtEverySplit(
    _ text: String, _ expected: ParseOutcome, sourceLocation: SourceLocation = #_sourceLocation
) {
    let bytes = Array(text.utf8)
    #expect(parse([bytes]) == expected, "whole", sourceLocation: sourceLocation)
    for split in 0...bytes.count {
        let outcome = parse([Array(bytes[..<split]), Array(bytes[split...])])
        #expect(outcome == expected, "split at \(split)", sourceLocation: sourceLocation)
        if outcome != expected { return }
    }
    #expect(parse(bytes.map { [$0] }) == expected, "byte by byte", sourceLocation: sourceLocation)
}

struct HTTPRequestParserTests {
    @Test func simpleGetAndPipelinedRequests() {
        expectSameAtEverySplit("GET /a?x=1 HTTP/1.1\r\nHost: h\r\n\r\n", .requests(["GET /a?x=1 "]))
        expectSameAtEverySplit(
            "GET /1 HTTP/1.1\r\nHost: h\r\n\r\n"
                + "POST /2 HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc"
                + "GET /3 HTTP/1.1\r\nHost: h\r\n\r\n",
            .requests(["GET /1 ", "POST /2 abc", "GET /3 "]))
    }

    @Test func leadingEmptyLinesAreIgnored() {
        expectSameAtEverySplit("\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n", .requests(["GET / "]))
    }

    @Test func chunkedBodies() {
        expectSameAtEverySplit(
            "POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "3\r\nabc\r\nA;ext=1\r\n0123456789\r\n0\r\nTrailer: x\r\n\r\n",
            .requests(["POST /c abc0123456789"]))
        expectSameAtEverySplit(
            "POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: Chunked\r\n\r\n0\r\n\r\n", .requests(["POST /c "]))
    }

    @Test func requestLineLimits() {
        let longTarget = "/" + String(repeating: "a", count: 100)
        expectSameAtEverySplit("GET \(longTarget) HTTP/1.1\r\nHost: h\r\n\r\n", .refused([], status: 414))
        let longMethod = String(repeating: "G", count: 100)
        expectSameAtEverySplit("\(longMethod) / HTTP/1.1\r\n\r\n", .refused([], status: 400))
    }

    @Test func headerLimits() {
        let big = String(repeating: "v", count: 300)
        expectSameAtEverySplit("GET / HTTP/1.1\r\nHost: h\r\nX-Big: \(big)\r\n\r\n", .refused([], status: 431))
        let many = (0..<6).map { "X-\($0): v\r\n" }.joined()
        expectSameAtEverySplit("GET / HTTP/1.1\r\nHost: h\r\n\(many)\r\n", .refused([], status: 431))
    }

    @Test func bodyTooLargeIsRefusedFromTheHeadAlone() {
        // No body byte is sent at all: the refusal must not wait for one.
        expectSameAtEverySplit("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 33\r\n\r\n", .refused([], status: 413))
        expectSameAtEverySplit(
            "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 99999999999999999999999\r\n\r\n", .refused([], status: 413))
        expectSameAtEverySplit(
            "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n21\r\n", .refused([], status: 413))
        expectSameAtEverySplit(
            "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n10\r\n0123456789abcdef\r\n11\r\n",
            .refused([], status: 413))
    }

    @Test func framingConflictsAreRefused() {
        expectSameAtEverySplit(
            "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n",
            .refused([], status: 400))
        expectSameAtEverySplit(
            "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc",
            .refused([], status: 400))
        expectSameAtEverySplit(
            "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabc",
            .refused([], status: 400))
        for length in ["3, 3", "+3", "0x3", "", "3 3", "-1"] {
            expectSameAtEverySplit(
                "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: \(length)\r\n\r\nabc", .refused([], status: 400))
        }
        expectSameAtEverySplit(
            "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\n\r\n", .refused([], status: 400))
        expectSameAtEverySplit(
            "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", .refused([], status: 501))
        expectSameAtEverySplit(
            "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", .refused([], status: 400))
    }

    @Test func badChunks() {
        let head = "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
        expectSameAtEverySplit(head + "xyz\r\n", .refused([], status: 400))
        expectSameAtEverySplit(head + "\r\n", .refused([], status: 400))
        expectSameAtEverySplit(head + "-1\r\n", .refused([], status: 400))
        expectSameAtEverySplit(head + "3 x\r\nabc\r\n0\r\n\r\n", .refused([], status: 400))
        expectSameAtEverySplit(head + "3\r\nabcd\r\n0\r\n\r\n", .refused([], status: 400))
        expectSameAtEverySplit(head + "3;" + String(repeating: "e", count: 20) + "\r\n", .refused([], status: 400))
        expectSameAtEverySplit(head + "3\nabc\r\n0\r\n\r\n", .refused([], status: 400))
    }

    @Test func lineEndingsAndNames() {
        expectSameAtEverySplit("GET / HTTP/1.1\nHost: h\r\n\r\n", .refused([], status: 400))
        expectSameAtEverySplit("GET / HTTP/1.1\r\nHost: h\n\r\n", .refused([], status: 400))
        expectSameAtEverySplit("GET / HTTP/1.1\r\nHost: h\rX: y\r\n\r\n", .refused([], status: 400))
        expectSameAtEverySplit("GET / HTTP/1.1\r\nHost : h\r\n\r\n", .refused([], status: 400))
        expectSameAtEverySplit("GET / HTTP/1.1\r\nHo(st: h\r\n\r\n", .refused([], status: 400))
        expectSameAtEverySplit("GET / HTTP/1.1\r\n: h\r\n\r\n", .refused([], status: 400))
        expectSameAtEverySplit("GET / HTTP/1.1\r\nHost: h\r\n folded\r\n\r\n", .refused([], status: 400))
        expectSameAtEverySplit("GET / HTTP/1.1\r\nHost: h\u{1}x\r\n\r\n", .refused([], status: 400))
    }

    @Test func requestLineShapeHostAndVersion() {
        expectSameAtEverySplit("GET  / HTTP/1.1\r\nHost: h\r\n\r\n", .refused([], status: 400))
        expectSameAtEverySplit("GET / HTTP/1.1 \r\nHost: h\r\n\r\n", .refused([], status: 400))
        expectSameAtEverySplit("GET nope HTTP/1.1\r\nHost: h\r\n\r\n", .refused([], status: 400))
        expectSameAtEverySplit("GET / HTTP/2.0\r\nHost: h\r\n\r\n", .refused([], status: 505))
        expectSameAtEverySplit("GET / HTTX/1.1\r\nHost: h\r\n\r\n", .refused([], status: 400))
        expectSameAtEverySplit("GET / HTTP/1.1\r\n\r\n", .refused([], status: 400))
        expectSameAtEverySplit("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", .refused([], status: 400))
        expectSameAtEverySplit("GET / HTTP/1.0\r\n\r\n", .requests(["GET / "]))
    }

    @Test func expectations() {
        expectSameAtEverySplit(
            "POST / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n",
            .requests(["100-continue"]))
        expectSameAtEverySplit("GET / HTTP/1.1\r\nHost: h\r\nExpect: teapot\r\n\r\n", .refused([], status: 417))
    }

    @Test func errorAfterAGoodRequestKeepsTheGoodOne() {
        expectSameAtEverySplit(
            "GET /ok HTTP/1.1\r\nHost: h\r\n\r\n"
                + "GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\n",
            .refused(["GET /ok "], status: 400))
    }

    @Test func requestTargetAndHeaders() {
        let request = HTTPRequest(
            method: "GET", target: "/v1/items?limit=5&q=a+b%21&flag&bad=%zz#frag",
            headers: ["content-TYPE": "x", "Connection": "keep-alive, Upgrade"])
        #expect(request.path == "/v1/items")
        #expect(request.queryItems == [
            HTTPQueryItem(name: "limit", value: "5"), HTTPQueryItem(name: "q", value: "a b!"),
            HTTPQueryItem(name: "flag", value: ""), HTTPQueryItem(name: "bad", value: "%zz"),
        ])
        #expect(request.headers["Content-Type"] == "x")
        #expect(request.headers.tokens(for: "connection") == ["keep-alive", "upgrade"])
        #expect(request.keepAlive)
        #expect(!HTTPRequest(method: "GET", target: "/", headers: ["Connection": "close"]).keepAlive)
        #expect(!HTTPRequest(method: "GET", target: "/", version: (1, 0)).keepAlive)
        #expect(HTTPRequest(method: "GET", target: "http://example/x?a=1").path == "/x")
    }
}
