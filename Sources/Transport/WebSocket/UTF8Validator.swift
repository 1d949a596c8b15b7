/// Validates UTF-8 incrementally, byte by byte, so a text message split across frames (or
/// across reads) is rejected at its first invalid byte rather than when it is complete.
/// Follows RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF.
struct UTF8Validator {
    /// Continuation bytes still expected for the current scalar.
    private var pending = 0
    /// The range the next continuation byte must fall in (narrower right after some lead bytes).
    private var lower: UInt8 = 0x80
    private var upper: UInt8 = 0xBF

    /// True when no scalar is half-way through.
    var isAtBoundary: Bool { pending == 0 }

    /// Feeds bytes; false at the first byte that cannot be part of valid UTF-8.
    mutating func validate<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> Bool {
        if let valid = bytes.withContiguousStorageIfAvailable({ validate(contiguous: $0) }) { return valid }
        for byte in bytes where !step(byte) { return false }
        return true
    }

    /// Skips runs of ASCII eight bytes at a time: stream messages are almost all ASCII JSON, and every received
    /// text message is validated.
    private mutating func validate(contiguous bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        let raw = UnsafeRawPointer(base)
        let count = bytes.count
        var index = 0
        while index < count {
            if pending == 0 {
                while index + 8 <= count,
                      raw.loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                    index += 8
                }
                guard index < count else { break }
            }
            guard step(bytes[index]) else { return false }
            index += 1
        }
        return true
    }

    private mutating func step(_ byte: UInt8) -> Bool {
        if pending == 0 {
            if byte < 0x80 { return true }
            switch byte {
            case 0xC2...0xDF: pending = 1
            case 0xE0: pending = 2; lower = 0xA0
            case 0xE1...0xEC, 0xEE, 0xEF: pending = 2
            case 0xED: pending = 2; upper = 0x9F
            case 0xF0: pending = 3; lower = 0x90
            case 0xF1...0xF3: pending = 3
            case 0xF4: pending = 3; upper = 0x8F
            default: return false
            }
        } else {
            guard byte >= lower && byte <= upper else { return false }
            pending -= 1
            lower = 0x80
            upper = 0xBF
        }
        return true
    }

    /// Validates a complete byte string.
    static func isValid<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> Bool {
        var validator = UTF8Validator()
        return validator.validate(bytes) && validator.isAtBoundary
    }
}
