/// A correctness condition of a run (nothing lost, nothing repeated, every event delivered in order) or a target
/// from the issues (p99 ≤ 10 ms). A failed check makes the run exit with status 3; a missed target does not,
/// because a slow machine is a finding, not a broken harness.
struct Check: Codable, Sendable {
    enum Kind: String, Codable, Sendable {
        /// Must hold on any machine.
        case correctness
        /// A performance goal; reported, never fatal.
        case target
    }

    var kind: Kind
    var name: String
    var passed: Bool
    var detail: String

    static func correctness(_ name: String, _ passed: Bool, _ detail: String) -> Check {
        Check(kind: .correctness, name: name, passed: passed, detail: detail)
    }

    static func target(_ name: String, _ passed: Bool, _ detail: String) -> Check {
        Check(kind: .target, name: name, passed: passed, detail: detail)
    }
}
