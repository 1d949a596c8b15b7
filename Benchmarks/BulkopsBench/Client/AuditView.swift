/// The parts of an audit entry the exactly-once check reads.
struct AuditView: Decodable, Sendable {
    var itemId: String?
    var jobId: String?
}
