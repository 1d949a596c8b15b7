/// Reads what `BinaryWriter` wrote; every read checks bounds and throws `BinaryReader.Error` on malformed input.
public struct BinaryReader: Sendable {
    /// Malformed input.
    public enum Error: Swift.Error, Sendable, Equatable {
        /// The input ended inside a value.
        case truncated(offset: Int)
        /// A length or tag that cannot be right.
        case invalid(offset: Int, reason: String)
    }

    private let bytes: [UInt8]
    public private(set) var offset: Int

    public init(_ bytes: [UInt8], offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
    }

    public var isAtEnd: Bool { offset >= bytes.count }

    public mutating func readByte() throws -> UInt8 {
        guard offset < bytes.count else { throw Error.truncated(offset: offset) }
        defer { offset += 1 }
        return bytes[offset]
    }

    public mutating func readBool() throws -> Bool { try readByte() != 0 }

    public mutating func readVarint() throws -> Int {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let byte = try readByte()
            guard shift < 64 else { throw Error.invalid(offset: offset, reason: "varint too long") }
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { break }
            shift += 7
        }
        return Int(Int64(bitPattern: result))
    }

    public mutating func readLength() throws -> Int {
        let length = try readVarint()
        guard length >= 0, length <= bytes.count - offset else {
            throw length < 0 ? Error.invalid(offset: offset, reason: "negative length") : Error.truncated(offset: offset)
        }
        return length
    }

    public mutating func readString() throws -> String {
        let length = try readLength()
        defer { offset += length }
        return String(decoding: bytes[offset..<offset + length], as: UTF8.self)
    }

    public mutating func readStrings() throws -> [String] {
        let count = try readLength()
        var strings: [String] = []
        strings.reserveCapacity(count)
        for _ in 0..<count { strings.append(try readString()) }
        return strings
    }

    public mutating func readOptionalString() throws -> String? {
        try readBool() ? try readString() : nil
    }

    public mutating func readRaw() throws -> [UInt8] {
        let length = try readLength()
        defer { offset += length }
        return Array(bytes[offset..<offset + length])
    }
}
