import Foundation

/// Makes job ids that sort by creation time (a ULID-like 26-character Crockford base32 string after "job_").
enum JobIdentifier {
    private static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")

    static func make(at date: Date) -> String {
        var value = UInt64(max(0, date.timeIntervalSince1970 * 1000)) & 0xFFFF_FFFF_FFFF
        var time = [Character](repeating: "0", count: 10)
        for index in stride(from: 9, through: 0, by: -1) {
            time[index] = alphabet[Int(value & 31)]
            value >>= 5
        }
        var generator = SystemRandomNumberGenerator()
        let random = (0..<16).map { _ in alphabet[Int(generator.next() & 31)] }
        return "job_" + String(time) + String(random)
    }
}
