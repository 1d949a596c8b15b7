/// Appends values to a byte buffer in a compact form (LEB128 lengths, UTF-8 strings), for journal records on hot
/// paths where JSONEncoder costs too much.
public struct BinaryWriter: Sendable {
    public private(set) var bytes: [UInt8]

    public init(capacity: Int = 256) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    public mutating func write(_ byte: UInt8) { bytes.append(byte) }

    public mutating func write(_ flag: Bool) { bytes.append(flag ? 1 : 0) }

    public mutating func write(varint value: Int) {
        var remaining = UInt64(bitPattern: Int64(value))
        while remaining >= 0x80 {
            bytes.append(UInt8(remaining & 0x7F) | 0x80)
            remaining >>= 7
        }
        bytes.append(UInt8(remaining))
    }

    public mutating func write(_ string: String) {
        var copy = string
        copy.withUTF8 { utf8 in
            write(varint: utf8.count)
            bytes.append(contentsOf: utf8)
        }
    }

    public mutating func write(_ strings: [String]) {
        write(varint: strings.count)
        for string in strings { write(string) }
    }

    public mutating func write(optional string: String?) {
        write(string != nil)
        if let string { write(string) }
    }

    public mutating func write(raw: [UInt8]) {
        write(varint: raw.count)
        bytes.append(contentsOf: raw)
    }
}
