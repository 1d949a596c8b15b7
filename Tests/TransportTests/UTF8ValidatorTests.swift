import Testing
@testable import Transport

struct UTF8ValidatorTests {
    private static let valid: [[UInt8]] = [
        [], Array("hello".utf8), Array("κόσμε €𝄞".utf8), [0xC2, 0x80], [0xDF, 0xBF], [0xE0, 0xA0, 0x80],
        [0xED, 0x9F, 0xBF], [0xEE, 0x80, 0x80], [0xF0, 0x90, 0x80, 0x80], [0xF4, 0x8F, 0xBF, 0xBF],
    ]
    private static let invalid: [[UInt8]] = [
        [0x80], [0xBF], [0xC0, 0xAF], [0xC1, 0xBF], [0xE0, 0x80, 0xAF], [0xED, 0xA0, 0x80], [0xED, 0xBF, 0xBF],
        [0xF0, 0x80, 0x80, 0xAF], [0xF4, 0x90, 0x80, 0x80], [0xF5, 0x80, 0x80, 0x80], [0xFE], [0xFF],
        [0xC2], [0xE2, 0x82], [0xF0, 0x9F, 0x98], [0x61, 0xC2, 0x61],
    ]

    /// Validates in two pieces and reports (accepted all bytes, ended on a boundary).
    private func validate(_ bytes: [UInt8], splitAt split: Int) -> Bool {
        var validator = UTF8Validator()
        return validator.validate(bytes[..<split]) && validator.validate(bytes[split...]) && validator.isAtBoundary
    }

    @Test(arguments: valid) func validSequencesPassAtEverySplit(_ bytes: [UInt8]) {
        for split in 0...bytes.count { #expect(validate(bytes, splitAt: split), "split at \(split)") }
    }

    @Test(arguments: invalid) func invalidSequencesFailAtEverySplit(_ bytes: [UInt8]) {
        for split in 0...bytes.count { #expect(!validate(bytes, splitAt: split), "split at \(split)") }
    }

    @Test func failsAtTheFirstBadByteWithoutWaitingForMore() {
        var validator = UTF8Validator()
        let prefixAccepted = validator.validate([0x61, 0xE2, 0x82])
        #expect(prefixAccepted)
        #expect(!validator.isAtBoundary)
        let asciiInsideScalar = validator.validate([0x41])
        #expect(!asciiInsideScalar)
        var surrogate = UTF8Validator()
        let surrogateAccepted = surrogate.validate([0xED, 0xA0])
        #expect(!surrogateAccepted)
    }

    /// The validator skips ASCII eight bytes at a time; every sequence must be judged the same wherever it sits
    /// relative to those eight-byte steps and however long the ASCII run around it is.
    @Test func sequencesInsideLongASCIIRunsAreJudgedAtEveryOffset() {
        for offset in 0..<20 {
            let before = [UInt8](repeating: 0x61, count: offset)
            let after = [UInt8](repeating: 0x62, count: 19 - offset)
            for bytes in Self.valid {
                #expect(UTF8Validator.isValid(before + bytes + after), "valid \(bytes) at \(offset)")
            }
            for bytes in Self.invalid {
                #expect(!UTF8Validator.isValid(before + bytes + after), "invalid \(bytes) at \(offset)")
            }
        }
    }
}
