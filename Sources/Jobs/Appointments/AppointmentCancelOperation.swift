import Foundation
import Orchestrator

/// `appointments.cancel`: cancels appointments with a required reason, freeing their slots; owners are notified
/// (queued messages) unless `notify` is false.
public struct AppointmentCancelOperation: BulkOperation {
    public static let kind = "appointments.cancel"
    private let store: PracticeStore
    public let descriptor: OperationDescriptor

    public init(store: PracticeStore, limits: SelectionLimits) {
        self.store = store
        descriptor = OperationDescriptor(
            kind: Self.kind, entity: Appointment.entity,
            description: "Cancel appointments (reason required); frees their slots and notifies owners.",
            paramsSchema: ["type": "object", "required": ["reason"],
                           "properties": ["reason": ["type": "string", "minLength": 1],
                                          "notify": ["type": "boolean", "default": true]]],
            selectionLimit: limits.limit(for: Appointment.entity))
    }

    private func options(_ params: JSONValue) throws -> (reason: String, notify: Bool) {
        let reader = try Params(params, allowed: ["reason", "notify"])
        guard let reason = try reader.string("reason")?.trimmingCharacters(in: .whitespaces), !reason.isEmpty else {
            throw Params.invalid("reason", "params.reason is required")
        }
        return (reason, try reader.bool("notify") ?? true)
    }

    public func validate(params: JSONValue) throws { _ = try options(params) }

    public func resolve(_ selection: Selection) async throws -> [String] {
        try await EntitySelection.resolve(selection, in: store, entities: [Appointment.entity])
    }

    static func plan(_ id: String, reason: String, notify: Bool, at: String, jobId: String, state: PracticeState)
        -> ItemPlan<Appointment> {
        guard var row = state.appointments[id], row.deletedAt == nil else { return .fail("not found") }
        switch row.status {
        case .cancelled: return .skip("already cancelled")
        case .completed, .patientDeleted, .checkedIn: return .fail("cannot cancel a \(row.status.rawValue) appointment")
        case .scheduled, .confirmed: break
        }
        let before = row.status
        row.status = .cancelled
        row.cancelledAt = at
        row.cancelReason = reason
        var extra: [PracticeChange] = []
        if notify {
            let messages = OwnerNotice.messages("cancelled", appointment: row, channels: "preferred", jobId: jobId, at: at,
                                                state: state) { client, patient, _ in
                ("\(patient.name)'s appointment is cancelled",
                 "Hi \(client.firstName), we are sorry: \(patient.name)'s \(row.type) appointment on "
                    + "\(OwnerNotice.when(row.startsAt)) is cancelled (\(reason)). Please call us to book a new time.")
            }
            if !messages.isEmpty { extra.append(.putMessages(messages)) }
        }
        return .change(row, before: ["status": .string(before.rawValue)],
                       after: ["status": "cancelled", "cancelReason": .string(reason), "cancelledAt": .string(at)],
                       extra: extra)
    }

    public func preview(itemIds: [String], params: JSONValue) async throws -> JobPreview {
        let (reason, notify) = try options(params)
        let state = await store.state
        let at = Timestamp.string(Date())
        return OperationCore.preview(
            Appointment.self, itemIds: itemIds,
            plans: itemIds.map { Self.plan($0, reason: reason, notify: notify, at: at, jobId: "job_preview", state: state) },
            warnings: notify ? ["owners will be notified of the cancellation (queued messages)"] : [])
    }

    public func apply(_ chunk: ChunkRequest) async throws -> [ItemOutcome] {
        let (reason, notify) = try options(chunk.params)
        let at = Timestamp.string(Date())
        return try await OperationCore.apply(Appointment.self, chunk: chunk, store: store, action: Self.kind,
                                             reason: reason) { ids, state in
            ids.map { Self.plan($0, reason: reason, notify: notify, at: at, jobId: chunk.jobId, state: state) }
        }
    }
}
