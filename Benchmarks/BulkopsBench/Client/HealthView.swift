/// `GET /health`.
struct HealthView: Decodable, Sendable {
    var status: String
    var version: String
}
