/// One message of `/v1/stream` as far as the harness needs it, read by scanning for a handful of keys instead of
/// decoding the whole object: at thousands of dashboards the harness shares the two cores with the server, and a
/// full JSON decode per event would make the harness the bottleneck.
struct StreamEvent: Sendable {
    /// The message `type`, and for job messages the `event`.
    enum Kind: Sendable, Equatable {
        case hello, snapshot, error, other
        case created, state, progress, finished
    }

    var kind: Kind
    /// The event's `at` in microseconds since 1970 (0 when absent).
    var atMicros: Int64 = 0
    /// When the harness took the message from the connection.
    var receivedMicros: Int64 = 0
    var jobId = ""
    var seq = 0
    var state = ""
    var processed = 0

    var isJobEvent: Bool {
        switch kind {
        case .created, .state, .progress, .finished: true
        default: false
        }
    }

    /// Scans one text message; unknown shapes become `.other`.
    static func scan(_ text: String, receivedMicros: Int64) -> StreamEvent {
        var copy = text
        return copy.withUTF8 { bytes in
            var event = StreamEvent(kind: .other, receivedMicros: receivedMicros)
            guard let type = stringValue(bytes, key: "type") else { return event }
            switch type {
            case "hello": event.kind = .hello
            case "snapshot": event.kind = .snapshot
            case "error": event.kind = .error
            case "job":
                switch stringValue(bytes, key: "event") ?? "" {
                case "created": event.kind = .created
                case "state": event.kind = .state
                case "progress": event.kind = .progress
                case "finished": event.kind = .finished
                default: return event
                }
                if let range = valueRange(bytes, key: "at"), range.count > 2 {
                    let inner = UnsafeBufferPointer(rebasing: bytes[(range.lowerBound + 1)..<(range.upperBound - 1)])
                    event.atMicros = WallClock.parseMicros(inner) ?? 0
                }
                event.jobId = stringValue(bytes, key: "id") ?? ""
                event.seq = intValue(bytes, key: "seq") ?? 0
                event.state = stringValue(bytes, key: "state") ?? ""
                event.processed = intValue(bytes, key: "processed") ?? 0
            default:
                break
            }
            return event
        }
    }

    /// The bytes of the value after the first `"key":` (a string value includes its quotes). The stream's job
    /// objects have these keys once each at any depth (`id` before `ids`, which does not match `"id":`), so the
    /// first match is the one meant, whatever order the encoder wrote the keys in.
    private static func valueRange(_ bytes: UnsafeBufferPointer<UInt8>, key: StaticString) -> Range<Int>? {
        let needle = UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount)
        let count = bytes.count
        var index = 0
        while index + needle.count + 3 <= count {
            if bytes[index] == 0x22, bytes[index + needle.count + 1] == 0x22, bytes[index + needle.count + 2] == 0x3A {
                var match = true
                for offset in 0..<needle.count where bytes[index + 1 + offset] != needle[offset] {
                    match = false
                    break
                }
                if match {
                    var start = index + needle.count + 3
                    while start < count, bytes[start] == 0x20 { start += 1 }
                    guard start < count else { return nil }
                    var end = start
                    if bytes[start] == 0x22 {
                        end += 1
                        while end < count, bytes[end] != 0x22 {
                            if bytes[end] == 0x5C { end += 1 }
                            end += 1
                        }
                        return start..<min(count, end + 1)
                    }
                    while end < count, bytes[end] != 0x2C, bytes[end] != 0x7D, bytes[end] != 0x5D { end += 1 }
                    return start..<end
                }
            }
            index += 1
        }
        return nil
    }

    private static func stringValue(_ bytes: UnsafeBufferPointer<UInt8>, key: StaticString) -> String? {
        guard let range = valueRange(bytes, key: key), range.count >= 2, bytes[range.lowerBound] == 0x22 else {
            return nil
        }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[(range.lowerBound + 1)..<(range.upperBound - 1)]),
                      as: UTF8.self)
    }

    private static func intValue(_ bytes: UnsafeBufferPointer<UInt8>, key: StaticString) -> Int? {
        guard let range = valueRange(bytes, key: key), !range.isEmpty else { return nil }
        var value = 0
        for index in range {
            let byte = bytes[index]
            guard byte >= 48, byte <= 57 else { return range.lowerBound == index ? nil : value }
            value = value * 10 + Int(byte - 48)
        }
        return value
    }
}
