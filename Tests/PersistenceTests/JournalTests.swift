import Foundation
import Testing
@testable import Persistence

@Suite struct JournalTests {
    static let headerSize = JournalFormat.fileHeader.count
    static let frameHeaderSize = JournalFormat.frameHeaderSize
    static let payloads: [[UInt8]] = [Array("alpha".utf8), [], Array(repeating: 0xAB, count: 37)]

    /// Writes `payloads` to a fresh journal at `path` and returns the file offset where each frame starts.
    static func makeJournal(at path: String, _ payloads: [[UInt8]] = payloads) throws -> [Int] {
        let journal = try Journal(path: path)
        defer { journal.close() }
        var starts: [Int] = []
        for payload in payloads {
            starts.append(journal.sizeInBytes)
            try journal.append(payload)
        }
        return starts
    }

    @Test func roundTripAcrossReopen() throws {
        try TemporaryDirectory.with { directory in
            let path = directory.file("journal.log")
            let journal = try Journal(path: path)
            #expect(journal.recovery == JournalRecovery(validRecords: 0, discardedBytes: 0, reason: nil))
            try journal.append(Self.payloads[0])
            try journal.append(Array(Self.payloads[1...]))
            #expect(try journal.readAll() == Self.payloads)
            let expectedSize = Self.headerSize + Self.payloads.reduce(0) { $0 + Self.frameHeaderSize + $1.count }
            #expect(journal.sizeInBytes == expectedSize)
            journal.close()

            let reopened = try Journal(path: path)
            defer { reopened.close() }
            #expect(reopened.recovery == JournalRecovery(validRecords: 3, discardedBytes: 0, reason: nil))
            #expect(try reopened.readAll() == Self.payloads)
            #expect(try RawFile.bytes(path).count == expectedSize)
        }
    }

    @Test func tornTailAtEveryByteOfTheLastFrameIsTruncatedAndReported() throws {
        try TemporaryDirectory.with { directory in
            let path = directory.file("journal.log")
            let lastStart = try Self.makeJournal(at: path).last!
            let intact = try RawFile.bytes(path)
            for cut in lastStart..<intact.count {
                try RawFile.write(Array(intact[..<cut]), to: path)
                let journal = try Journal(path: path)
                defer { journal.close() }
                #expect(journal.recovery.validRecords == 2, "cut at \(cut)")
                #expect(journal.recovery.discardedBytes == cut - lastStart, "cut at \(cut)")
                #expect((journal.recovery.reason != nil) == (cut > lastStart), "cut at \(cut)")
                #expect(journal.sizeInBytes == lastStart)
                #expect(try RawFile.bytes(path).count == lastStart, "tail not truncated on disk, cut at \(cut)")
                #expect(try journal.readAll() == Array(Self.payloads.prefix(2)))
            }
        }
    }

    @Test func appendingAfterRecoveryWorks() throws {
        try TemporaryDirectory.with { directory in
            let path = directory.file("journal.log")
            _ = try Self.makeJournal(at: path)
            let intact = try RawFile.bytes(path)
            try RawFile.write(Array(intact.dropLast(3)), to: path)

            let recovered = try Journal(path: path)
            #expect(recovered.recovery.validRecords == 2)
            try recovered.append([Array("after".utf8), Array("crash".utf8)])
            recovered.close()

            let reopened = try Journal(path: path)
            defer { reopened.close() }
            #expect(reopened.recovery.isClean)
            #expect(try reopened.readAll() == Self.payloads.prefix(2) + [Array("after".utf8), Array("crash".utf8)])
        }
    }

    @Test(arguments: [4, 5, 6, 7]) func corruptChecksumByteIsDetected(offsetInFrame: Int) throws {
        try TemporaryDirectory.with { directory in
            let path = directory.file("journal.log")
            let starts = try Self.makeJournal(at: path)
            var bytes = try RawFile.bytes(path)
            bytes[starts[1] + offsetInFrame] ^= 0x01
            try RawFile.write(bytes, to: path)

            let journal = try Journal(path: path)
            defer { journal.close() }
            #expect(journal.recovery.validRecords == 1)
            #expect(journal.recovery.discardedBytes == bytes.count - starts[1])
            #expect(journal.recovery.reason?.contains("checksum mismatch") == true)
            #expect(try journal.readAll() == [Self.payloads[0]])
        }
    }

    @Test func corruptPayloadByteIsDetected() throws {
        try TemporaryDirectory.with { directory in
            let path = directory.file("journal.log")
            let starts = try Self.makeJournal(at: path)
            var bytes = try RawFile.bytes(path)
            bytes[starts[2] + Self.frameHeaderSize + 10] ^= 0x80
            try RawFile.write(bytes, to: path)

            let journal = try Journal(path: path)
            defer { journal.close() }
            #expect(journal.recovery.validRecords == 2)
            #expect(journal.recovery.reason?.contains("checksum mismatch") == true)
        }
    }

    @Test func badLengthIsDetected() throws {
        try TemporaryDirectory.with { directory in
            let path = directory.file("journal.log")
            let starts = try Self.makeJournal(at: path)
            var bytes = try RawFile.bytes(path)
            bytes.replaceSubrange(starts[2]..<starts[2] + 4, with: [0xF0, 0xFF, 0xFF, 0xFF])
            try RawFile.write(bytes, to: path)

            let journal = try Journal(path: path, configuration: .init(maxRecordBytes: 1024))
            defer { journal.close() }
            #expect(journal.recovery.validRecords == 2)
            #expect(journal.recovery.reason?.contains("bad length") == true)
        }
    }

    @Test func zeroFilledTailIsNotReadAsEmptyFrames() throws {
        try TemporaryDirectory.with { directory in
            let path = directory.file("journal.log")
            _ = try Self.makeJournal(at: path)
            let intact = try RawFile.bytes(path)
            try RawFile.write(intact + [UInt8](repeating: 0, count: 64), to: path)

            let journal = try Journal(path: path)
            defer { journal.close() }
            #expect(journal.recovery.validRecords == 3)
            #expect(journal.recovery.discardedBytes == 64)
        }
    }

    @Test func foreignFileIsRefusedAndLeftUntouched() throws {
        try TemporaryDirectory.with { directory in
            let path = directory.file("journal.log")
            let foreign = Array(#"{"this": "is a snapshot, not a journal"}"#.utf8)
            try RawFile.write(foreign, to: path)
            #expect(throws: JournalError.unrecognizedHeader(path: path)) { try Journal(path: path) }
            #expect(try RawFile.bytes(path) == foreign)
        }
    }

    @Test func tornFileHeaderStartsAFreshJournal() throws {
        try TemporaryDirectory.with { directory in
            let path = directory.file("journal.log")
            try RawFile.write(Array(JournalFormat.fileHeader.prefix(3)), to: path)
            let journal = try Journal(path: path)
            defer { journal.close() }
            let expected = JournalRecovery(validRecords: 0, discardedBytes: 3, reason: "torn file header")
            #expect(journal.recovery == expected)
            try journal.append([9])
            #expect(try journal.readAll() == [[9]])
        }
    }

    @Test func oversizedAppendIsRefusedWithoutWriting() throws {
        try TemporaryDirectory.with { directory in
            let journal = try Journal(path: directory.file("journal.log"), configuration: .init(maxRecordBytes: 16))
            defer { journal.close() }
            #expect(throws: JournalError.recordTooLarge(size: 17, limit: 16)) {
                try journal.append([[1], [UInt8](repeating: 0, count: 17)])
            }
            #expect(journal.sizeInBytes == Self.headerSize)
            #expect(try journal.readAll().isEmpty)
        }
    }

    @Test func validFrameOverALoweredLimitIsNotTruncated() throws {
        try TemporaryDirectory.with { directory in
            let path = directory.file("journal.log")
            let starts = try Self.makeJournal(at: path)
            let intact = try RawFile.bytes(path)
            #expect(throws: JournalError.storedRecordTooLarge(path: path, offset: starts[2], length: 37, limit: 10)) {
                try Journal(path: path, configuration: .init(maxRecordBytes: 10))
            }
            #expect(try RawFile.bytes(path) == intact)
        }
    }

    @Test func resetEmptiesTheJournal() throws {
        try TemporaryDirectory.with { directory in
            let path = directory.file("journal.log")
            _ = try Self.makeJournal(at: path)
            let journal = try Journal(path: path)
            try journal.reset()
            #expect(journal.sizeInBytes == Self.headerSize)
            #expect(try journal.readAll().isEmpty)
            try journal.append([7])
            journal.close()
            let reopened = try Journal(path: path)
            defer { reopened.close() }
            #expect(try reopened.readAll() == [[7]])
        }
    }

    @Test func closedJournalThrows() throws {
        try TemporaryDirectory.with { directory in
            let path = directory.file("journal.log")
            let journal = try Journal(path: path)
            journal.close()
            #expect(throws: JournalError.closed(path: path)) { try journal.append([1]) }
        }
    }

    @Test func unsyncedAppendsBecomeDurableWithSync() throws {
        try TemporaryDirectory.with { directory in
            let path = directory.file("journal.log")
            let journal = try Journal(path: path, configuration: .init(syncOnAppend: false))
            try journal.append([[1], [2]])
            try journal.sync()
            journal.close()
            let reopened = try Journal(path: path)
            defer { reopened.close() }
            #expect(try reopened.readAll() == [[1], [2]])
        }
    }
}
