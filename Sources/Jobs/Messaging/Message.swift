/// One email or SMS to one recipient. Until the messaging kinds send them, jobs leave messages `queued`.
public struct Message: Codable, Sendable, Equatable {
    /// Where a message is in its delivery.
    public enum Status: String, Codable, Sendable, CaseIterable {
        case queued, sending, sent, delivered, failed, undelivered
    }

    public var id: String
    public var jobId: String?
    /// The email address or phone number.
    public var recipient: String
    /// `email` or `sms`.
    public var channel: String
    public var subject: String?
    public var body: String
    public var status: Status
    public var providerId: String?
    public var error: String?
    public var attempts: Int
    public var clientId: String?
    /// The appointment the message is about, if any.
    public var appointmentId: String?
    public var createdAt: String
    public var deletedAt: String?

    public init(id: String, jobId: String?, recipient: String, channel: String, subject: String?, body: String,
                status: Status = .queued, providerId: String? = nil, error: String? = nil, attempts: Int = 0,
                clientId: String?, appointmentId: String?, createdAt: String, deletedAt: String? = nil) {
        self.id = id
        self.jobId = jobId
        self.recipient = recipient
        self.channel = channel
        self.subject = subject
        self.body = body
        self.status = status
        self.providerId = providerId
        self.error = error
        self.attempts = attempts
        self.clientId = clientId
        self.appointmentId = appointmentId
        self.createdAt = createdAt
        self.deletedAt = deletedAt
    }
}

extension Message: PracticeEntity {
    public static let entity = "messages"
    public static let filterFields: Set<String> = ["jobId", "recipient", "channel", "status", "clientId",
                                                  "appointmentId"]
    public static let dateField: String? = "createdAt"
    public static var table: WritableKeyPath<PracticeState, EntityTable<Message>> { \.messages }
    public static func put(_ rows: [Message]) -> PracticeChange { .putMessages(rows) }

    public func filterValues(_ field: String) -> [String] {
        switch field {
        case "jobId": jobId.map { [$0] } ?? []
        case "recipient": [recipient]
        case "channel": [channel]
        case "status": [status.rawValue]
        case "clientId": clientId.map { [$0] } ?? []
        case "appointmentId": appointmentId.map { [$0] } ?? []
        default: []
        }
    }

    public var filterDate: String? { createdAt }

    public func searchText(in state: PracticeState) -> String { (id + " " + recipient).lowercased() }
}
