/// Why a WebSocket connection is being failed. `closeCode` is the one place these become
/// close codes on the wire.
enum WebSocketProtocolError: Error, Equatable {
    /// RSV1-3 set with no extension negotiated (1002).
    case reservedBitsSet
    /// An opcode RFC 6455 does not define (1002).
    case unknownOpcode(UInt8)
    /// A client frame without a mask, or a server frame with one (1002).
    case maskingMismatch
    /// A control frame with FIN clear (1002).
    case fragmentedControlFrame
    /// A control frame payload over 125 bytes (1002).
    case controlFrameTooLong
    /// A 64-bit length with its most significant bit set (1002).
    case invalidPayloadLength
    /// A continuation frame with no message in progress (1002).
    case unexpectedContinuation
    /// A new text or binary frame while a fragmented message is in progress (1002).
    case expectedContinuation
    /// A close payload of one byte, or a close code not allowed on the wire (1002).
    case invalidCloseFrame
    /// Text (or a close reason) that is not valid UTF-8 (1007).
    case invalidUTF8
    /// A message larger than `maxMessageSize` (1009).
    case messageTooBig

    var closeCode: WebSocketCloseCode {
        switch self {
        case .invalidUTF8: .invalidPayload
        case .messageTooBig: .messageTooBig
        case .reservedBitsSet, .unknownOpcode, .maskingMismatch, .fragmentedControlFrame, .controlFrameTooLong,
             .invalidPayloadLength, .unexpectedContinuation, .expectedContinuation, .invalidCloseFrame:
            .protocolError
        }
    }
}
