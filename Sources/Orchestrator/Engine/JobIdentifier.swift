import Foundation
import Synchronization

/// Makes job ids that sort by creation time (a ULID-like 26-character Crockford base32 string after "job_").
enum JobIdentifier {
    private static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")

    /// The last millisecond used and a counter within it, so ids made in one millisecond still sort in order.
    private static let last = Mutex<(millisecond: UInt64, counter: UInt64)>((0, 0))

    static func make(at date: Date) -> String {
        let now = UInt64(max(0, date.timeIntervalSince1970 * 1000)) & 0xFFFF_FFFF_FFFF
        let (millisecond, counter) = last.withLock { last -> (UInt64, UInt64) in
            if now > last.millisecond {
                last = (now, 0)
            } else {
                last.counter += 1
            }
            return last
        }
        var value = millisecond
        var time = [Character](repeating: "0", count: 10)
        for index in stride(from: 9, through: 0, by: -1) {
            time[index] = alphabet[Int(value & 31)]
            value >>= 5
        }
        var sequence = [Character](repeating: "0", count: 4)
        var rest = counter
        for index in stride(from: 3, through: 0, by: -1) {
            sequence[index] = alphabet[Int(rest & 31)]
            rest >>= 5
        }
        var generator = SystemRandomNumberGenerator()
        let random = (0..<12).map { _ in alphabet[Int(generator.next() & 31)] }
        return "job_" + String(time) + String(sequence) + String(random)
    }
}
