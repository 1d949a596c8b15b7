/// A text message framed once for server-to-client sending (servers never mask), so the same bytes can go to any
/// number of connections without encoding them again for each.
public struct WebSocketPreparedText: Sendable {
    public let text: String
    let frame: [UInt8]

    public init(_ text: String) {
        self.text = text
        frame = WebSocketFrameEncoder.encode(opcode: .text, payload: text.utf8, maskKey: nil)
    }
}
