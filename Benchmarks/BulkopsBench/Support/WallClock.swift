import Glibc

/// Wall-clock time in microseconds since 1970, the scale of the stream's `at`. Latency is measured against the
/// server's wall clock, so on one machine both sides read the same clock.
enum WallClock {
    static func micros() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1_000_000 + Int64(spec.tv_nsec) / 1_000
    }

    /// Monotonic seconds, for durations that must not jump with the wall clock.
    static func seconds() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }

    /// Parses the API's `2026-11-28T10:00:00.123456Z` (fraction optional, `Z` only) without Foundation: this runs
    /// once per received event, tens of thousands of times a second.
    static func parseMicros<C: Collection>(_ bytes: C) -> Int64? where C.Element == UInt8, C.Index == Int {
        var index = bytes.startIndex
        func number(_ count: Int) -> Int64? {
            guard bytes.endIndex - index >= count else { return nil }
            var value: Int64 = 0
            for _ in 0..<count {
                let byte = bytes[index]
                guard byte >= 48, byte <= 57 else { return nil }
                value = value * 10 + Int64(byte - 48)
                index += 1
            }
            return value
        }
        func expect(_ byte: UInt8) -> Bool {
            guard index < bytes.endIndex, bytes[index] == byte else { return false }
            index += 1
            return true
        }
        guard let year = number(4), expect(45), let month = number(2), expect(45), let day = number(2), expect(84),
              let hour = number(2), expect(58), let minute = number(2), expect(58), let second = number(2),
              (1...12).contains(month), (1...31).contains(day) else { return nil }
        var micros: Int64 = 0
        if expect(46) {
            var scale: Int64 = 100_000
            while index < bytes.endIndex, bytes[index] >= 48, bytes[index] <= 57 {
                micros += Int64(bytes[index] - 48) * scale
                scale /= 10
                index += 1
            }
        }
        guard expect(90) else { return nil }
        // why: days from the civil date (H. Hinnant's algorithm), so no timegm or calendar is needed
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 719_468
        return ((days * 24 + hour) * 60 + minute) * 60_000_000 + second * 1_000_000 + micros
    }

    static func parseMicros(_ text: String) -> Int64? { parseMicros(Array(text.utf8)) }
}
