import Foundation
import Orchestrator

/// A booked slot in a vet's calendar for one patient.
public struct Appointment: Codable, Sendable, Equatable {
    /// Where an appointment is in its life.
    public enum Status: String, Codable, Sendable, CaseIterable {
        /// Booked.
        case scheduled
        /// The owner confirmed.
        case confirmed
        /// The patient arrived.
        case checkedIn
        /// Done.
        case completed
        /// Called off; its slot is free.
        case cancelled
        /// Its patient was deleted; its slot is free.
        case patientDeleted

        /// Whether the appointment holds its slot in the vet's calendar.
        public var holdsSlot: Bool { self == .scheduled || self == .confirmed || self == .checkedIn }
    }

    public var id: String
    public var patientId: String
    public var vetId: String
    /// RFC 3339 start time.
    public var startsAt: String
    public var durationMinutes: Int
    /// `wellness`, `dental`, `surgery`, `vaccination`, `follow-up`, …
    public var type: String
    public var status: Status
    public var reminderSentAt: String?
    public var checkedInAt: String?
    public var completedAt: String?
    public var cancelledAt: String?
    public var cancelReason: String?
    /// The status to return to when the deleted patient is restored.
    public var statusBeforePatientDeleted: Status?
    public var deletedAt: String?

    public init(id: String, patientId: String, vetId: String, startsAt: String, durationMinutes: Int, type: String,
                status: Status, reminderSentAt: String? = nil, checkedInAt: String? = nil, completedAt: String? = nil,
                cancelledAt: String? = nil, cancelReason: String? = nil, statusBeforePatientDeleted: Status? = nil,
                deletedAt: String? = nil) {
        self.id = id
        self.patientId = patientId
        self.vetId = vetId
        self.startsAt = startsAt
        self.durationMinutes = durationMinutes
        self.type = type
        self.status = status
        self.reminderSentAt = reminderSentAt
        self.checkedInAt = checkedInAt
        self.completedAt = completedAt
        self.cancelledAt = cancelledAt
        self.cancelReason = cancelReason
        self.statusBeforePatientDeleted = statusBeforePatientDeleted
        self.deletedAt = deletedAt
    }

    /// Seconds since 1970 of the start (0 when unreadable).
    public var start: Double { Timestamp.parse(startsAt)?.timeIntervalSince1970 ?? 0 }
    public var end: Double { start + Double(durationMinutes * 60) }
}

extension Appointment: PracticeEntity {
    public static let entity = "appointments"
    public static let filterFields: Set<String> = ["status", "vetId", "patientId", "type", "durationMinutes",
                                                  "reminded"]
    public static let dateField: String? = "startsAt"
    public static var table: WritableKeyPath<PracticeState, EntityTable<Appointment>> { \.appointments }
    public static func put(_ rows: [Appointment]) -> PracticeChange { .putAppointments(rows) }

    public func filterValues(_ field: String) -> [String] {
        switch field {
        case "status": [status.rawValue]
        case "vetId": [vetId]
        case "patientId": [patientId]
        case "type": [type]
        case "durationMinutes": [String(durationMinutes)]
        case "reminded": [reminderSentAt == nil ? "false" : "true"]
        default: []
        }
    }

    public var filterDate: String? { startsAt }

    public func searchText(in state: PracticeState) -> String {
        var text = id + " " + type
        if let patient = state.patients[patientId] {
            text += " " + patient.name
            if let client = state.clients[patient.clientId] { text += " " + client.fullName }
        }
        return text.lowercased()
    }
}
