/// The on-disk layout of a journal file, and the scanner that finds where its valid frames end.
///
/// File: an 8-byte header (`"BOJL"` then a little-endian u32 format version), then frames back to back:
/// `[u32 LE payload length][u32 LE CRC-32C][payload]`. The CRC covers the four length bytes and then the payload.
/// why the length is covered too: a crash can leave a zero-filled tail (the size was updated, the data was not),
/// and zeros would otherwise read as a valid empty frame, since the CRC-32C of no bytes is 0.
enum JournalFormat {
    static let fileHeader: [UInt8] = [0x42, 0x4F, 0x4A, 0x4C, 0x01, 0x00, 0x00, 0x00]
    static let frameHeaderSize = 8

    /// What a scan found: where the valid frames end and why the bytes after that are not valid.
    struct Scan {
        /// The offset just past the last valid frame.
        var validEnd: Int
        /// How many valid frames precede `validEnd`.
        var records: Int
        /// Why the scan stopped before the end of the bytes; nil when every byte belongs to a valid frame.
        var reason: String?
        /// A frame that is complete and checksum-valid but longer than the configured limit. The scan stops
        /// there; truncating verifiably good data because a limit was lowered would lose committed records.
        var oversizedRecord: (offset: Int, length: Int)?
    }

    static func checksum(length: UInt32, payload: UnsafeRawBufferPointer) -> UInt32 {
        withUnsafeBytes(of: length.littleEndian) { lengthBytes in
            CRC32C.checksum(payload, continuing: CRC32C.checksum(lengthBytes))
        }
    }

    /// Appends one encoded frame carrying `payload` to `buffer`.
    static func appendFrame(_ payload: [UInt8], to buffer: inout [UInt8]) {
        let length = UInt32(payload.count)
        let crc = payload.withUnsafeBytes { checksum(length: length, payload: $0) }
        withUnsafeBytes(of: length.littleEndian) { buffer.append(contentsOf: $0) }
        withUnsafeBytes(of: crc.littleEndian) { buffer.append(contentsOf: $0) }
        buffer.append(contentsOf: payload)
    }

    /// Walks the frames of `bytes` from `start`, calling `record` with the payload range of each valid one, and
    /// stops at the first short, over-long or checksum-failing frame.
    static func scan(
        _ bytes: UnsafeRawBufferPointer, from start: Int, maxRecordBytes: Int, record: (Range<Int>) -> Void
    ) -> Scan {
        var offset = start
        var records = 0
        while offset < bytes.count {
            let remaining = bytes.count - offset
            guard remaining >= frameHeaderSize else {
                let reason = "short frame header at offset \(offset): \(remaining) of \(frameHeaderSize) bytes"
                return Scan(validEnd: offset, records: records, reason: reason)
            }
            let rawLength = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
            let stored = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self))
            let length = Int(rawLength)
            let payloadStart = offset + frameHeaderSize
            guard length <= remaining - frameHeaderSize else {
                let reason = length > maxRecordBytes
                    ? "bad length at offset \(offset): \(length) bytes exceeds the limit of \(maxRecordBytes)"
                    : "short frame at offset \(offset): payload of \(length) bytes, "
                        + "\(remaining - frameHeaderSize) present"
                return Scan(validEnd: offset, records: records, reason: reason)
            }
            let payload = UnsafeRawBufferPointer(rebasing: bytes[payloadStart..<payloadStart + length])
            guard checksum(length: rawLength, payload: payload) == stored else {
                let reason = "checksum mismatch in frame at offset \(offset) (payload \(length) bytes)"
                return Scan(validEnd: offset, records: records, reason: reason)
            }
            guard length <= maxRecordBytes else {
                let reason = "valid frame at offset \(offset) of \(length) bytes exceeds the limit \(maxRecordBytes)"
                return Scan(validEnd: offset, records: records, reason: reason, oversizedRecord: (offset, length))
            }
            record(payloadStart..<payloadStart + length)
            records += 1
            offset = payloadStart + length
        }
        return Scan(validEnd: offset, records: records, reason: nil)
    }
}
