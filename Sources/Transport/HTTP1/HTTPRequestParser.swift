/// An incremental HTTP/1.1 request parser. Feed it bytes as they arrive, in any split, and
/// pull events; it yields whole requests in order, so pipelined requests come out one by one.
///
/// Limits are checked before anything is kept: a line is refused as soon as the bytes
/// buffered for it exceed the remaining allowance, and a body is refused from its
/// Content-Length (or chunk size) alone, before any of it is read.
struct HTTPRequestParser {
    /// Where the parser is within the current request.
    enum State: Equatable {
        /// Skipping empty lines, then reading the request line.
        case requestLine
        /// Reading header lines up to the empty line.
        case headers
        /// Reading a Content-Length body with this many bytes still to come.
        case fixedBody(remaining: Int)
        /// Expecting a chunk-size line.
        case chunkSize
        /// Reading chunk data with this many bytes still to come.
        case chunkData(remaining: Int)
        /// Expecting the CRLF that ends chunk data.
        case chunkDataEnd
        /// Reading trailer lines after the last chunk, up to the empty line.
        case trailers
        /// A request was refused; the connection must answer and close.
        case failed(HTTPParseError)
    }

    /// What `next()` found.
    enum Event {
        /// A whole request is ready.
        case request(HTTPRequest)
        /// The head carried `Expect: 100-continue` and none of the body has arrived:
        /// the owner should send `100 Continue` and keep reading.
        case continueRequested
        /// More bytes are needed.
        case needMoreData
        /// The request is malformed or over a limit; the error says which status to answer.
        case failed(HTTPParseError)
    }

    /// Result of looking for one CRLF-terminated line.
    private enum LineResult {
        /// The line's content (without CRLF); the read position has moved past it.
        case line(Range<Int>)
        /// No line end yet, and the allowance is not used up.
        case needMoreData
        /// The allowance ran out before a line end.
        case tooLong
        /// LF without CR, or CR inside the line.
        case invalidLineEnding
    }

    private let maxRequestLineLength: Int
    private let maxHeaderBytes: Int
    private let maxHeaderCount: Int
    private let maxBodySize: Int
    private let maxChunkLineLength: Int

    private(set) var state = State.requestLine
    private var buffer: [UInt8] = []
    private var readIndex = 0
    private var searchIndex = 0

    // The request being assembled.
    private var skippedBytes = 0
    private var headerBytes = 0
    private var method = ""
    private var target = ""
    private var version = (major: 1, minor: 1)
    private var headers = HTTPHeaders()
    private var body: [UInt8] = []
    private var continueRequested = false

    init(configuration: HTTPServerConfiguration) {
        maxRequestLineLength = configuration.maxRequestLineLength
        maxHeaderBytes = configuration.maxHeaderBytes
        maxHeaderCount = configuration.maxHeaderCount
        maxBodySize = configuration.maxBodySize
        maxChunkLineLength = configuration.maxChunkLineLength
    }

    /// True when bytes of a request not yet complete are buffered (the header timer's cue).
    var hasPartialRequest: Bool {
        state != .requestLine || readIndex < buffer.count
    }

    /// True while a head is incomplete, as opposed to a body.
    var isReadingHead: Bool {
        state == .requestLine || state == .headers
    }

    mutating func append(_ bytes: [UInt8]) {
        if readIndex == buffer.count {
            buffer.removeAll(keepingCapacity: buffer.capacity <= 1 << 16)
            readIndex = 0
            searchIndex = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// Hands over bytes received after the last request, for the protocol that follows an upgrade.
    mutating func takeBufferedBytes() -> [UInt8] {
        let rest = Array(buffer[readIndex...])
        buffer.removeAll()
        readIndex = 0
        searchIndex = 0
        return rest
    }

    mutating func next() -> Event {
        if readIndex > 4096 && readIndex > buffer.count / 2 {
            buffer.removeFirst(readIndex)
            searchIndex -= readIndex
            readIndex = 0
        }
        while true {
            switch state {
            case .failed(let error):
                return .failed(error)

            case .requestLine:
                if readIndex == buffer.count { return .needMoreData }
                switch nextLine(maxContent: maxRequestLineLength - skippedBytes) {
                case .needMoreData: return .needMoreData
                case .invalidLineEnding: return fail(.invalidLineEnding)
                case .tooLong: return fail(requestLineOverflowError())
                case .line(let range):
                    if range.isEmpty {
                        // RFC 9112 §2.2: empty lines before a request line are ignored.
                        skippedBytes += 2
                        continue
                    }
                    if let error = parseRequestLine(range) { return fail(error) }
                    state = .headers
                }

            case .headers:
                switch nextLine(maxContent: maxHeaderBytes - headerBytes - 2) {
                case .needMoreData: return .needMoreData
                case .invalidLineEnding: return fail(.invalidLineEnding)
                case .tooLong: return fail(.headerSectionTooLarge)
                case .line(let range):
                    headerBytes += range.count + 2
                    if range.isEmpty {
                        if let error = finishHead() { return fail(error) }
                        if continueRequested {
                            continueRequested = false
                            if readIndex == buffer.count { return .continueRequested }
                        }
                        continue
                    }
                    switch parseField(range) {
                    case .failure(let error): return fail(error)
                    case .success(let field):
                        if headers.count >= maxHeaderCount { return fail(.tooManyHeaders) }
                        headers.add(name: field.name, value: field.value)
                    }
                }

            case .fixedBody(let remaining):
                let taken = takeBody(upTo: remaining)
                if taken == remaining { return complete() }
                state = .fixedBody(remaining: remaining - taken)
                return .needMoreData

            case .chunkSize:
                switch nextLine(maxContent: maxChunkLineLength) {
                case .needMoreData: return .needMoreData
                case .invalidLineEnding: return fail(.invalidLineEnding)
                case .tooLong: return fail(.chunkLineTooLong)
                case .line(let range):
                    switch parseChunkSize(range) {
                    case .failure(let error): return fail(error)
                    case .success(0): state = .trailers
                    case .success(let size):
                        body.reserveCapacity(body.count + size)
                        state = .chunkData(remaining: size)
                    }
                }

            case .chunkData(let remaining):
                let taken = takeBody(upTo: remaining)
                if taken < remaining {
                    state = .chunkData(remaining: remaining - taken)
                    return .needMoreData
                }
                state = .chunkDataEnd

            case .chunkDataEnd:
                let available = buffer.count - readIndex
                if available >= 1 && buffer[readIndex] != 0x0D { return fail(.invalidChunkTerminator) }
                if available < 2 { return .needMoreData }
                if buffer[readIndex + 1] != 0x0A { return fail(.invalidChunkTerminator) }
                readIndex += 2
                searchIndex = readIndex
                state = .chunkSize

            case .trailers:
                switch nextLine(maxContent: maxHeaderBytes - headerBytes - 2) {
                case .needMoreData: return .needMoreData
                case .invalidLineEnding: return fail(.invalidLineEnding)
                case .tooLong: return fail(.headerSectionTooLarge)
                case .line(let range):
                    headerBytes += range.count + 2
                    if range.isEmpty { return complete() }
                    // Trailer fields are checked for form and counted, then dropped: nothing here
                    // may change how the request was framed or routed.
                    if case .failure(let error) = parseField(range) { return fail(error) }
                    if headers.count >= maxHeaderCount { return fail(.tooManyHeaders) }
                }
            }
        }
    }

    // MARK: pieces

    private mutating func fail(_ error: HTTPParseError) -> Event {
        state = .failed(error)
        return .failed(error)
    }

    private mutating func nextLine(maxContent: Int) -> LineResult {
        guard maxContent >= 0 else { return .tooLong }
        // A line of `maxContent` bytes has its LF at readIndex + maxContent + 1 at the latest.
        let searchEnd = min(buffer.count, readIndex + maxContent + 2)
        var position = max(searchIndex, readIndex)
        while position < searchEnd {
            let byte = buffer[position]
            if byte == 0x0A {
                guard position > readIndex, buffer[position - 1] == 0x0D else { return .invalidLineEnding }
                let line = readIndex..<(position - 1)
                readIndex = position + 1
                searchIndex = readIndex
                return .line(line)
            }
            if byte == 0x0D && position + 1 < buffer.count && buffer[position + 1] != 0x0A {
                return .invalidLineEnding
            }
            position += 1
        }
        searchIndex = position
        if buffer.count >= readIndex + maxContent + 2 { return .tooLong }
        return .needMoreData
    }

    private func requestLineOverflowError() -> HTTPParseError {
        // 414 only when a valid method was followed by a target that is what overflowed.
        let end = min(buffer.count, readIndex + maxRequestLineLength)
        guard let space = buffer[readIndex..<end].firstIndex(of: 0x20), space > readIndex,
              buffer[readIndex..<space].allSatisfy(HTTPSyntax.isTokenByte)
        else { return .requestLineTooLong }
        return .targetTooLong
    }

    private mutating func parseRequestLine(_ range: Range<Int>) -> HTTPParseError? {
        let line = buffer[range]
        let parts = line.split(separator: 0x20, omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty, !parts[1].isEmpty,
              parts[0].allSatisfy(HTTPSyntax.isTokenByte),
              parts[1].allSatisfy(HTTPSyntax.isTargetByte)
        else { return .invalidRequestLine }
        let versionBytes = Array(parts[2])
        guard versionBytes.count == 8, versionBytes.starts(with: Array("HTTP/".utf8)),
              versionBytes[6] == UInt8(ascii: "."),
              let major = HTTPRequestParser.digit(versionBytes[5]),
              let minor = HTTPRequestParser.digit(versionBytes[7])
        else { return .invalidRequestLine }
        guard major == 1 && minor <= 1 else { return .unsupportedVersion }
        let targetBytes = parts[1]
        guard targetBytes.first == UInt8(ascii: "/") || targetBytes.elementsEqual("*".utf8)
                || targetBytes.starts(with: "http://".utf8) || targetBytes.starts(with: "https://".utf8)
        else { return .invalidRequestLine }
        method = String(decoding: parts[0], as: UTF8.self)
        target = String(decoding: targetBytes, as: UTF8.self)
        version = (major, minor)
        return nil
    }

    private static func digit(_ byte: UInt8) -> Int? {
        (0x30...0x39).contains(byte) ? Int(byte - 0x30) : nil
    }

    private func parseField(_ range: Range<Int>) -> Result<HTTPHeaders.Field, HTTPParseError> {
        let line = buffer[range]
        if let first = line.first, first == 0x20 || first == 0x09 { return .failure(.obsoleteLineFolding) }
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > line.startIndex else {
            return .failure(.invalidHeaderName)
        }
        let name = line[line.startIndex..<colon]
        guard name.allSatisfy(HTTPSyntax.isTokenByte) else { return .failure(.invalidHeaderName) }
        var valueStart = colon + 1
        var valueEnd = line.endIndex
        while valueStart < valueEnd && (buffer[valueStart] == 0x20 || buffer[valueStart] == 0x09) { valueStart += 1 }
        while valueEnd > valueStart && (buffer[valueEnd - 1] == 0x20 || buffer[valueEnd - 1] == 0x09) { valueEnd -= 1 }
        let value = buffer[valueStart..<valueEnd]
        guard value.allSatisfy(HTTPSyntax.isFieldValueByte) else { return .failure(.invalidHeaderValue) }
        return .success(HTTPHeaders.Field(
            name: String(decoding: name, as: UTF8.self), value: String(decoding: value, as: UTF8.self)))
    }

    /// Decides the body's framing from the head, refusing oversize bodies before reading them.
    private mutating func finishHead() -> HTTPParseError? {
        let hosts = headers.values(for: "Host")
        if hosts.count > 1 || (version.minor == 1 && hosts.isEmpty) { return .invalidHost }

        let lengths = headers.values(for: "Content-Length")
        let hasTransferEncoding = headers.contains("Transfer-Encoding")
        if hasTransferEncoding {
            if !lengths.isEmpty { return .contentLengthWithTransferEncoding }
            if version.minor == 0 { return .invalidTransferEncoding }
            let codings = headers.tokens(for: "Transfer-Encoding")
            guard codings.last == "chunked" else { return .invalidTransferEncoding }
            guard codings.count == 1 else { return .unsupportedTransferEncoding }
        }
        var length = 0
        if !lengths.isEmpty {
            guard lengths.count == 1, !lengths[0].contains(",") else { return .duplicateContentLength }
            let digits = Array(lengths[0].utf8)
            guard !digits.isEmpty, digits.allSatisfy({ (0x30...0x39).contains($0) }) else {
                return .invalidContentLength
            }
            for digit in digits {
                length = length * 10 + Int(digit - 0x30)
                if length > maxBodySize { return .bodyTooLarge }
            }
        }

        if let expectation = headers["Expect"] {
            guard expectation.trimmingASCIIWhitespace().lowercasedASCII() == "100-continue" else {
                return .unsupportedExpectation
            }
            continueRequested = hasTransferEncoding || length > 0
        }

        if hasTransferEncoding {
            state = .chunkSize
        } else if length > 0 {
            body.reserveCapacity(length)
            state = .fixedBody(remaining: length)
        } else {
            state = .fixedBody(remaining: 0)
        }
        return nil
    }

    private mutating func parseChunkSize(_ range: Range<Int>) -> Result<Int, HTTPParseError> {
        var index = range.lowerBound
        var size = 0
        while index < range.upperBound, let value = HTTPRequestTarget.hexValue(buffer[index]) {
            if size > (Int.max >> 4) { return .failure(.bodyTooLarge) }
            size = size << 4 | Int(value)
            index += 1
        }
        guard index > range.lowerBound else { return .failure(.invalidChunkSize) }
        if index < range.upperBound {
            // Extensions are allowed and ignored: `;name=value`, after optional whitespace.
            while index < range.upperBound && (buffer[index] == 0x20 || buffer[index] == 0x09) { index += 1 }
            guard index < range.upperBound, buffer[index] == UInt8(ascii: ";"),
                  buffer[index..<range.upperBound].allSatisfy(HTTPSyntax.isFieldValueByte)
            else { return .failure(.invalidChunkSize) }
        }
        if size > maxBodySize - body.count { return .failure(.bodyTooLarge) }
        return .success(size)
    }

    private mutating func takeBody(upTo count: Int) -> Int {
        let taken = min(count, buffer.count - readIndex)
        if taken > 0 {
            body.append(contentsOf: buffer[readIndex..<(readIndex + taken)])
            readIndex += taken
            searchIndex = readIndex
        }
        return taken
    }

    private mutating func complete() -> Event {
        let request = HTTPRequest(
            method: method, target: target, version: version, headers: headers, body: body)
        state = .requestLine
        skippedBytes = 0
        headerBytes = 0
        headers = HTTPHeaders()
        body = []
        continueRequested = false
        return .request(request)
    }
}
