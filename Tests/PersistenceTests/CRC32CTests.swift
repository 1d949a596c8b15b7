import Testing
@testable import Persistence

@Suite struct CRC32CTests {
    /// Bit-at-a-time reference, to check the sliced table implementation against.
    static func reference(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
        }
        return ~crc
    }

    @Test func knownCheckValue() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.checksum([UInt8]()) == 0)
    }

    @Test func slicedMatchesReferenceForEveryLengthAndAlignment() {
        var generator = SystemRandomNumberGenerator()
        let data = (0..<80).map { _ in UInt8.random(in: 0...255, using: &generator) }
        for start in 0..<8 {
            for end in start...data.count {
                let slice = Array(data[start..<end])
                #expect(CRC32C.checksum(slice) == Self.reference(slice))
            }
        }
    }

    @Test func continuingEqualsOneShot() {
        let data = (0..<100).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        for split in 0...data.count {
            let first = CRC32C.checksum(Array(data[..<split]))
            #expect(CRC32C.checksum(Array(data[split...]), continuing: first) == CRC32C.checksum(data))
        }
    }
}
