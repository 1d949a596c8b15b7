/// Why a request was refused before it reached the handler. Each maps to one status code, in
/// `status`, which is the one place these become HTTP answers.
enum HTTPParseError: Error, Equatable {
    /// The request line is longer than `maxRequestLineLength` and the target is to blame (414).
    case targetTooLong
    /// The request line is too long but not because of its target, e.g. a huge method (400).
    case requestLineTooLong
    /// The request line is not `method SP target SP HTTP/x.y` (400).
    case invalidRequestLine
    /// A version other than HTTP/1.0 or HTTP/1.1 (505).
    case unsupportedVersion
    /// The header section is larger than `maxHeaderBytes` (431).
    case headerSectionTooLarge
    /// More header fields than `maxHeaderCount` (431).
    case tooManyHeaders
    /// A header name that is empty, not a token, or followed by whitespace before the colon (400).
    case invalidHeaderName
    /// A header value holding control characters (400).
    case invalidHeaderValue
    /// A line continued with leading whitespace (obsolete folding, 400).
    case obsoleteLineFolding
    /// A line ending in LF without CR, or a CR not followed by LF (400).
    case invalidLineEnding
    /// HTTP/1.1 without exactly one Host header (400).
    case invalidHost
    /// A Content-Length that is not a plain decimal number (400).
    case invalidContentLength
    /// Content-Length given more than once or as a list (400).
    case duplicateContentLength
    /// Content-Length and Transfer-Encoding together (400): the classic smuggling vector.
    case contentLengthWithTransferEncoding
    /// A transfer coding chain whose last coding is not `chunked` (400).
    case invalidTransferEncoding
    /// A transfer coding other than plain `chunked` (501).
    case unsupportedTransferEncoding
    /// A body larger than `maxBodySize`, known from Content-Length or a chunk size (413).
    case bodyTooLarge
    /// A chunk-size line that is not hex digits with optional extensions (400).
    case invalidChunkSize
    /// A chunk-size line longer than `maxChunkLineLength` (400).
    case chunkLineTooLong
    /// Chunk data not followed by CRLF (400).
    case invalidChunkTerminator
    /// An `Expect` value other than `100-continue` (417).
    case unsupportedExpectation

    var status: Int {
        switch self {
        case .targetTooLong: 414
        case .headerSectionTooLarge, .tooManyHeaders: 431
        case .bodyTooLarge: 413
        case .unsupportedVersion: 505
        case .unsupportedTransferEncoding: 501
        case .unsupportedExpectation: 417
        case .requestLineTooLong, .invalidRequestLine, .invalidHeaderName, .invalidHeaderValue,
             .obsoleteLineFolding, .invalidLineEnding, .invalidHost, .invalidContentLength,
             .duplicateContentLength, .contentLengthWithTransferEncoding, .invalidTransferEncoding,
             .invalidChunkSize, .chunkLineTooLong, .invalidChunkTerminator:
            400
        }
    }
}
