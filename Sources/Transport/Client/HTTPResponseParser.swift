/// An incremental HTTP/1.1 response parser for the client: Content-Length, chunked and
/// close-delimited bodies, no body for HEAD, 1xx, 204 and 304. Limits are checked before
/// bytes are kept, as in `HTTPRequestParser`.
struct HTTPResponseParser {
    /// Where the parser is within the current response.
    enum State: Equatable {
        /// Reading the status line.
        case statusLine
        /// Reading header lines.
        case headers
        /// Reading a Content-Length body with this many bytes to come.
        case fixedBody(remaining: Int)
        /// Expecting a chunk-size line.
        case chunkSize
        /// Reading chunk data with this many bytes to come.
        case chunkData(remaining: Int)
        /// Expecting CRLF after chunk data.
        case chunkDataEnd
        /// Reading trailers up to the empty line.
        case trailers
        /// Reading a body that ends when the server closes the connection.
        case untilClose
        /// The response is malformed; the connection is unusable.
        case failed(TransportError)
    }

    /// What `next` found.
    enum Event {
        /// A complete response; `closeDelimited` responses come from `finishAtClose`.
        case response(HTTPResponse)
        /// More bytes are needed.
        case needMoreData
        /// The response is malformed or over a limit.
        case failed(TransportError)
    }

    private let maxHeadBytes: Int
    private let maxBodySize: Int
    private(set) var state = State.statusLine
    private var buffer: [UInt8] = []
    private var readIndex = 0
    private var headBytes = 0
    private var status = 0
    private var headers = HTTPHeaders()
    private var body: [UInt8] = []

    init(configuration: HTTPClientConfiguration) {
        maxHeadBytes = configuration.maxResponseHeadBytes
        maxBodySize = configuration.maxResponseBodySize
    }

    mutating func append(_ bytes: [UInt8]) {
        if readIndex == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            readIndex = 0
        } else if readIndex > 1 << 16 {
            buffer.removeFirst(readIndex)
            readIndex = 0
        }
        buffer.append(contentsOf: bytes)
    }

    mutating func takeBufferedBytes() -> [UInt8] {
        let rest = Array(buffer[readIndex...])
        buffer = []
        readIndex = 0
        return rest
    }

    /// - Parameter isHeadRequest: the response answers HEAD, so it has no body.
    mutating func next(isHeadRequest: Bool) -> Event {
        while true {
            switch state {
            case .failed(let error):
                return .failed(error)
            case .statusLine:
                guard let line = nextLine() else { return overLimit() ?? .needMoreData }
                let parts = buffer[line].split(separator: 0x20, maxSplits: 2, omittingEmptySubsequences: false)
                guard parts.count >= 2, parts[0].starts(with: "HTTP/1.".utf8), parts[1].count == 3,
                      let code = Int(String(decoding: parts[1], as: UTF8.self))
                else { return fail("malformed status line") }
                status = code
                state = .headers
            case .headers:
                guard let line = nextLine() else { return overLimit() ?? .needMoreData }
                if line.isEmpty {
                    if let error = beginBody(isHeadRequest: isHeadRequest) { return error }
                    continue
                }
                guard let field = parseField(line) else { return fail("malformed header line") }
                headers.add(name: field.name, value: field.value)
            case .fixedBody(let remaining):
                let taken = take(upTo: remaining)
                if taken == remaining { return complete() }
                state = .fixedBody(remaining: remaining - taken)
                return .needMoreData
            case .chunkSize:
                guard let line = nextLine() else { return overLimit() ?? .needMoreData }
                var size = 0
                var index = line.lowerBound
                while index < line.upperBound, let digit = HTTPRequestTarget.hexValue(buffer[index]) {
                    if size > maxBodySize { return tooLarge() }
                    size = size << 4 | Int(digit)
                    index += 1
                }
                guard index > line.lowerBound,
                      index == line.upperBound || buffer[index] == UInt8(ascii: ";") || buffer[index] == 0x20
                else { return fail("malformed chunk size") }
                if size > maxBodySize - body.count { return tooLarge() }
                state = size == 0 ? .trailers : .chunkData(remaining: size)
            case .chunkData(let remaining):
                let taken = take(upTo: remaining)
                if taken < remaining {
                    state = .chunkData(remaining: remaining - taken)
                    return .needMoreData
                }
                state = .chunkDataEnd
            case .chunkDataEnd:
                guard buffer.count - readIndex >= 2 else { return .needMoreData }
                guard buffer[readIndex] == 0x0D && buffer[readIndex + 1] == 0x0A else {
                    return fail("chunk data not followed by CRLF")
                }
                readIndex += 2
                state = .chunkSize
            case .trailers:
                guard let line = nextLine() else { return overLimit() ?? .needMoreData }
                if line.isEmpty { return complete() }
            case .untilClose:
                let available = buffer.count - readIndex
                if available > maxBodySize - body.count { return tooLarge() }
                _ = take(upTo: available)
                return .needMoreData
            }
        }
    }

    /// The server closed the connection: completes a close-delimited body.
    mutating func finishAtClose() -> HTTPResponse? {
        guard state == .untilClose else { return nil }
        if case .response(let response) = complete() { return response }
        return nil
    }

    private mutating func beginBody(isHeadRequest: Bool) -> Event? {
        if isHeadRequest || (100...199).contains(status) || status == 204 || status == 304 {
            state = .fixedBody(remaining: 0)
            return nil
        }
        if headers.tokens(for: "Transfer-Encoding").last == "chunked" {
            state = .chunkSize
            return nil
        }
        if let lengthText = headers["Content-Length"] {
            guard let length = Int(lengthText.trimmingASCIIWhitespace()), length >= 0 else {
                return fail("malformed Content-Length")
            }
            if length > maxBodySize { return tooLarge() }
            state = .fixedBody(remaining: length)
            return nil
        }
        state = .untilClose
        return nil
    }

    private mutating func nextLine() -> Range<Int>? {
        guard let newline = buffer[readIndex...].firstIndex(of: 0x0A) else { return nil }
        let end = newline > readIndex && buffer[newline - 1] == 0x0D ? newline - 1 : newline
        let line = readIndex..<end
        headBytes += newline + 1 - readIndex
        readIndex = newline + 1
        return line
    }

    private mutating func overLimit() -> Event? {
        if headBytes + buffer.count - readIndex > maxHeadBytes {
            state = .failed(TransportError(.responseTooLarge, "response head over \(maxHeadBytes) bytes"))
            return next(isHeadRequest: false)
        }
        return nil
    }

    private func parseField(_ line: Range<Int>) -> HTTPHeaders.Field? {
        guard let colon = buffer[line].firstIndex(of: UInt8(ascii: ":")), colon > line.lowerBound else { return nil }
        let name = buffer[line.lowerBound..<colon]
        guard name.allSatisfy(HTTPSyntax.isTokenByte) else { return nil }
        let value = String(decoding: buffer[(colon + 1)..<line.upperBound], as: UTF8.self)
        return HTTPHeaders.Field(name: String(decoding: name, as: UTF8.self), value: value.trimmingASCIIWhitespace())
    }

    private mutating func take(upTo count: Int) -> Int {
        let taken = min(count, buffer.count - readIndex)
        body.append(contentsOf: buffer[readIndex..<(readIndex + taken)])
        readIndex += taken
        return taken
    }

    private mutating func fail(_ message: String) -> Event {
        let error = TransportError(.protocolViolation, message)
        state = .failed(error)
        return .failed(error)
    }

    private mutating func tooLarge() -> Event {
        let error = TransportError(.responseTooLarge, "response body over \(maxBodySize) bytes")
        state = .failed(error)
        return .failed(error)
    }

    private mutating func complete() -> Event {
        let response = HTTPResponse(status: status, headers: headers, body: body)
        state = .statusLine
        headBytes = 0
        status = 0
        headers = HTTPHeaders()
        body = []
        return .response(response)
    }
}
