/// The frame opcodes RFC 6455 defines; any other value fails the connection with 1002.
enum WebSocketOpcode: UInt8 {
    /// A further fragment of the message in progress.
    case continuation = 0x0
    /// The first frame of a UTF-8 text message.
    case text = 0x1
    /// The first frame of a binary message.
    case binary = 0x2
    /// Starts or answers the closing handshake.
    case close = 0x8
    /// Asks the peer for a pong with the same payload.
    case ping = 0x9
    /// Answers a ping, or serves as a one-way heartbeat.
    case pong = 0xA

    var isControl: Bool { rawValue & 0x8 != 0 }
}
