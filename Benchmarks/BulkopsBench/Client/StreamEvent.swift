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
            let values = KeyValues(bytes)
            guard let type = values.string(.type) else { return event }
            switch type {
            case "hello": event.kind = .hello
            case "snapshot": event.kind = .snapshot
            case "error": event.kind = .error
            case "job":
                switch values.string(.event) ?? "" {
                case "created": event.kind = .created
                case "state": event.kind = .state
                case "progress": event.kind = .progress
                case "finished": event.kind = .finished
                default: return event
                }
                if let range = values[.at], range.count > 2 {
                    let inner = UnsafeBufferPointer(rebasing: bytes[(range.lowerBound + 1)..<(range.upperBound - 1)])
                    event.atMicros = WallClock.parseMicros(inner) ?? 0
                }
                event.jobId = values.string(.id) ?? ""
                event.seq = values.int(.seq) ?? 0
                event.state = values.string(.state) ?? ""
                event.processed = values.int(.processed) ?? 0
            default:
                break
            }
            return event
        }
    }

    /// The keys the harness reads.
    enum Key: CaseIterable {
        case type, event, at, id, seq, state, processed

        var name: StaticString {
            switch self {
            case .type: "type"
            case .event: "event"
            case .at: "at"
            case .id: "id"
            case .seq: "seq"
            case .state: "state"
            case .processed: "processed"
            }
        }
    }

    /// The value of the first `"key":` of each wanted key, at any depth, found in one pass over the message (a
    /// string value includes its quotes). The stream's job objects have these keys once each, so the first match
    /// is the one meant, whatever order the encoder wrote the keys in. One pass matters: the harness scans every
    /// message of thousands of dashboards on the cores the server also uses.
    struct KeyValues {
        private static let keys = Key.allCases
        let bytes: UnsafeBufferPointer<UInt8>
        /// One slot per key, in `Key` order; a tuple, so that scanning a message allocates nothing.
        private var slots: (Range<Int>?, Range<Int>?, Range<Int>?, Range<Int>?, Range<Int>?, Range<Int>?,
                            Range<Int>?) = (nil, nil, nil, nil, nil, nil, nil)

        subscript(_ key: Key) -> Range<Int>? {
            get {
                switch key {
                case .type: slots.0
                case .event: slots.1
                case .at: slots.2
                case .id: slots.3
                case .seq: slots.4
                case .state: slots.5
                case .processed: slots.6
                }
            }
            set {
                switch key {
                case .type: slots.0 = newValue
                case .event: slots.1 = newValue
                case .at: slots.2 = newValue
                case .id: slots.3 = newValue
                case .seq: slots.4 = newValue
                case .state: slots.5 = newValue
                case .processed: slots.6 = newValue
                }
            }
        }

        init(_ bytes: UnsafeBufferPointer<UInt8>) {
            self.bytes = bytes
            var found = 0
            let count = bytes.count
            var index = 0
            while index < count, found < Self.keys.count {
                guard bytes[index] == 0x22 else {
                    index += 1
                    continue
                }
                let start = index + 1
                var end = start
                while end < count, bytes[end] != 0x22 {
                    if bytes[end] == 0x5C { end += 1 }
                    end += 1
                }
                guard end < count else { return }
                var after = end + 1
                while after < count, bytes[after] == 0x20 { after += 1 }
                guard after < count, bytes[after] == 0x3A else {
                    // a string value, not a key
                    index = end + 1
                    continue
                }
                if let key = Self.key(bytes, start..<end), self[key] == nil {
                    self[key] = Self.value(bytes, from: after + 1)
                    found += 1
                }
                index = after + 1
            }
        }

        private static func key(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Key? {
            for key in Self.keys {
                let name = key.name
                guard name.utf8CodeUnitCount == range.count else { continue }
                let needle = UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount)
                var match = true
                for offset in 0..<needle.count where bytes[range.lowerBound + offset] != needle[offset] {
                    match = false
                    break
                }
                if match { return key }
            }
            return nil
        }

        private static func value(_ bytes: UnsafeBufferPointer<UInt8>, from index: Int) -> Range<Int>? {
            let count = bytes.count
            var start = index
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

        func string(_ key: Key) -> String? {
            guard let range = self[key], range.count >= 2, bytes[range.lowerBound] == 0x22 else {
                return nil
            }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[(range.lowerBound + 1)..<(range.upperBound - 1)]),
                          as: UTF8.self)
        }

        func int(_ key: Key) -> Int? {
            guard let range = self[key], !range.isEmpty else { return nil }
            var value = 0
            for index in range {
                let byte = bytes[index]
                guard byte >= 48, byte <= 57 else { return range.lowerBound == index ? nil : value }
                value = value * 10 + Int(byte - 48)
            }
            return value
        }
    }
}
