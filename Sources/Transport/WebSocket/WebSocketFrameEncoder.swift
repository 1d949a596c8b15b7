/// Builds frames. Servers send unmasked frames; clients pass a fresh random key per frame.
enum WebSocketFrameEncoder {
    static func encode(
        opcode: WebSocketOpcode, payload: some Collection<UInt8>, fin: Bool = true,
        maskKey: (UInt8, UInt8, UInt8, UInt8)? = nil
    ) -> [UInt8] {
        let length = payload.count
        var frame: [UInt8] = []
        frame.reserveCapacity(length + 14)
        frame.append((fin ? 0x80 : 0) | opcode.rawValue)
        let maskBit: UInt8 = maskKey == nil ? 0 : 0x80
        if length < 126 {
            frame.append(maskBit | UInt8(length))
        } else if length <= 0xFFFF {
            frame.append(maskBit | 126)
            frame.append(UInt8(length >> 8))
            frame.append(UInt8(length & 0xFF))
        } else {
            frame.append(maskBit | 127)
            for shift in stride(from: 56, through: 0, by: -8) { frame.append(UInt8((length >> shift) & 0xFF)) }
        }
        guard let maskKey else {
            frame.append(contentsOf: payload)
            return frame
        }
        frame.append(contentsOf: [maskKey.0, maskKey.1, maskKey.2, maskKey.3])
        let start = frame.count
        frame.append(contentsOf: payload)
        frame.withUnsafeMutableBufferPointer { buffer in
            mask(maskKey, buffer: UnsafeMutableBufferPointer(rebasing: buffer[start...]), startingAt: 0)
        }
        return frame
    }

    /// A close frame's payload: the code in network order, then the UTF-8 reason, cut so the
    /// payload fits the 125-byte control-frame limit without splitting a character.
    static func closePayload(code: WebSocketCloseCode?, reason: String) -> [UInt8] {
        guard let code else { return [] }
        var payload = [UInt8(code.rawValue >> 8), UInt8(code.rawValue & 0xFF)]
        var reasonBytes = Array(reason.utf8.prefix(123))
        while !UTF8Validator.isValid(reasonBytes) { reasonBytes.removeLast() }
        payload.append(contentsOf: reasonBytes)
        return payload
    }

    static func randomMaskKey() -> (UInt8, UInt8, UInt8, UInt8) {
        let value = UInt32.random(in: .min ... .max)
        return (UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF))
    }

    /// XORs `bytes` with the key; `offset` is the position of `bytes[0]` within the payload.
    static func applyMask(_ key: (UInt8, UInt8, UInt8, UInt8), to bytes: inout [UInt8], startingAt offset: Int) {
        bytes.withUnsafeMutableBufferPointer { mask(key, buffer: $0, startingAt: offset) }
    }

    private static func mask(
        _ key: (UInt8, UInt8, UInt8, UInt8), buffer: UnsafeMutableBufferPointer<UInt8>, startingAt offset: Int
    ) {
        let keyBytes = [key.0, key.1, key.2, key.3]
        var index = 0
        // Align to the key, then XOR eight bytes at a time: large messages spend their time here.
        while index < buffer.count && (offset + index) % 4 != 0 {
            buffer[index] ^= keyBytes[(offset + index) % 4]
            index += 1
        }
        var word: UInt64 = 0
        withUnsafeMutableBytes(of: &word) { raw in
            for position in 0..<8 { raw[position] = keyBytes[position % 4] }
        }
        let raw = UnsafeMutableRawBufferPointer(buffer)
        while index + 8 <= buffer.count {
            let value = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            raw.storeBytes(of: value ^ word, toByteOffset: index, as: UInt64.self)
            index += 8
        }
        while index < buffer.count {
            buffer[index] ^= keyBytes[(offset + index) % 4]
            index += 1
        }
    }
}
