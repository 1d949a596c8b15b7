/// The fixed part of a frame, known before its payload arrives.
struct WebSocketFrameHeader: Equatable {
    var fin: Bool
    var opcode: WebSocketOpcode
    /// The client-to-server masking key, or nil for an unmasked frame.
    var maskKey: (UInt8, UInt8, UInt8, UInt8)?
    var payloadLength: Int

    static func == (left: WebSocketFrameHeader, right: WebSocketFrameHeader) -> Bool {
        left.fin == right.fin && left.opcode == right.opcode && left.payloadLength == right.payloadLength
            && left.maskKey.map { [$0.0, $0.1, $0.2, $0.3] } == right.maskKey.map { [$0.0, $0.1, $0.2, $0.3] }
    }
}
