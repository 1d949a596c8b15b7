/// An incremental RFC 6455 frame decoder. It validates each header as soon as it is complete
/// (reserved bits, opcode, masking, control-frame rules, length against the message limit),
/// then hands out the payload unmasked in pieces as it arrives, so nothing oversize is ever
/// buffered and text can be validated before a frame is complete.
struct WebSocketFrameDecoder {
    /// Which side decodes: it decides whether frames must be masked.
    enum Role {
        /// Decoding client frames, which must be masked.
        case server
        /// Decoding server frames, which must not be masked.
        case client
    }

    /// Where the decoder is.
    enum State {
        /// Waiting for a complete header.
        case header
        /// Passing on the payload of `header`; `delivered` bytes so far.
        case payload(header: WebSocketFrameHeader, delivered: Int)
        /// A frame broke the protocol; nothing further is decoded.
        case failed(WebSocketProtocolError)
    }

    /// What `next()` found.
    enum Event {
        /// A piece of a frame's unmasked payload. The first piece of each frame comes as soon as
        /// the header is complete (possibly empty), so limits can be checked before the payload;
        /// control frames come whole, as one piece. `isLast` ends the frame.
        case chunk(header: WebSocketFrameHeader, payload: [UInt8], isFirst: Bool, isLast: Bool)
        /// More bytes are needed.
        case needMoreData
        /// The frame breaks the protocol.
        case failed(WebSocketProtocolError)
    }

    private let role: Role
    private let maxMessageSize: Int
    private(set) var state = State.header
    private var buffer: [UInt8] = []
    private var readIndex = 0

    init(role: Role, maxMessageSize: Int) {
        self.role = role
        self.maxMessageSize = maxMessageSize
    }

    mutating func append(_ bytes: [UInt8]) {
        if readIndex == buffer.count {
            // why: nothing is left over, so the new bytes can be used as they are, without a copy
            buffer = bytes
            readIndex = 0
            return
        }
        if readIndex > 1 << 16 {
            buffer.removeFirst(readIndex)
            readIndex = 0
        }
        buffer.append(contentsOf: bytes)
    }

    var bufferedByteCount: Int { buffer.count - readIndex }

    mutating func next() -> Event {
        let event = decode()
        if case .needMoreData = event, readIndex == buffer.count, readIndex > 0 {
            // why: a held connection that has read everything should not keep its last read's storage
            buffer = []
            readIndex = 0
        }
        return event
    }

    private mutating func decode() -> Event {
        switch state {
        case .failed(let error):
            return .failed(error)
        case .header:
            switch parseHeader() {
            case .none:
                return .needMoreData
            case .some(.failure(let error)):
                state = .failed(error)
                return .failed(error)
            case .some(.success(let header)):
                if header.opcode.isControl {
                    // Control payloads are at most 125 bytes: wait and deliver them whole.
                    state = .payload(header: header, delivered: 0)
                    if bufferedByteCount < header.payloadLength { return .needMoreData }
                    state = .header
                    return .chunk(header: header, payload: takePayload(header, offset: 0, count: header.payloadLength),
                                  isFirst: true, isLast: true)
                }
                let count = min(bufferedByteCount, header.payloadLength)
                let payload = takePayload(header, offset: 0, count: count)
                let isLast = count == header.payloadLength
                state = isLast ? .header : .payload(header: header, delivered: count)
                return .chunk(header: header, payload: payload, isFirst: true, isLast: isLast)
            }
        case .payload(let header, let delivered):
            if header.opcode.isControl {
                if bufferedByteCount < header.payloadLength { return .needMoreData }
                state = .header
                return .chunk(header: header, payload: takePayload(header, offset: 0, count: header.payloadLength),
                              isFirst: true, isLast: true)
            }
            let count = min(bufferedByteCount, header.payloadLength - delivered)
            if count == 0 { return .needMoreData }
            let payload = takePayload(header, offset: delivered, count: count)
            let isLast = delivered + count == header.payloadLength
            state = isLast ? .header : .payload(header: header, delivered: delivered + count)
            return .chunk(header: header, payload: payload, isFirst: false, isLast: isLast)
        }
    }

    /// nil while the header is incomplete.
    private mutating func parseHeader() -> Result<WebSocketFrameHeader, WebSocketProtocolError>? {
        let available = bufferedByteCount
        guard available >= 2 else { return nil }
        let first = buffer[readIndex]
        let second = buffer[readIndex + 1]
        // Checks that need only the first two bytes come first: fail fast on garbage.
        if first & 0x70 != 0 { return .failure(.reservedBitsSet) }
        guard let opcode = WebSocketOpcode(rawValue: first & 0x0F) else {
            return .failure(.unknownOpcode(first & 0x0F))
        }
        let fin = first & 0x80 != 0
        let masked = second & 0x80 != 0
        if masked != (role == .server) { return .failure(.maskingMismatch) }
        let shortLength = Int(second & 0x7F)
        if opcode.isControl {
            if !fin { return .failure(.fragmentedControlFrame) }
            if shortLength > 125 { return .failure(.controlFrameTooLong) }
        }
        var headerLength = 2
        var length = shortLength
        if shortLength == 126 {
            headerLength += 2
            guard available >= headerLength else { return nil }
            length = Int(buffer[readIndex + 2]) << 8 | Int(buffer[readIndex + 3])
        } else if shortLength == 127 {
            headerLength += 8
            guard available >= headerLength else { return nil }
            var value: UInt64 = 0
            for index in 2..<10 { value = value << 8 | UInt64(buffer[readIndex + index]) }
            if value & (1 << 63) != 0 { return .failure(.invalidPayloadLength) }
            if value > UInt64(maxMessageSize) { return .failure(.messageTooBig) }
            length = Int(value)
        }
        if length > maxMessageSize { return .failure(.messageTooBig) }
        var maskKey: (UInt8, UInt8, UInt8, UInt8)?
        if masked {
            guard available >= headerLength + 4 else { return nil }
            let base = readIndex + headerLength
            maskKey = (buffer[base], buffer[base + 1], buffer[base + 2], buffer[base + 3])
            headerLength += 4
        }
        readIndex += headerLength
        return .success(WebSocketFrameHeader(fin: fin, opcode: opcode, maskKey: maskKey, payloadLength: length))
    }

    private mutating func takePayload(_ header: WebSocketFrameHeader, offset: Int, count: Int) -> [UInt8] {
        var payload = Array(buffer[readIndex..<(readIndex + count)])
        readIndex += count
        if let key = header.maskKey {
            WebSocketFrameEncoder.applyMask(key, to: &payload, startingAt: offset)
        }
        return payload
    }
}
