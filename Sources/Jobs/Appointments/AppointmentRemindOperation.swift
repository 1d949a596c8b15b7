import Foundation
import Orchestrator

/// `appointments.remind`: queues a reminder per owner on email, SMS, both or the owner's preferred channel,
/// honouring opt-outs, and records `reminderSentAt`; an appointment already reminded is skipped, so nobody is
/// ever reminded twice (also when a recurring job selects it again).
public struct AppointmentRemindOperation: BulkOperation {
    public static let kind = "appointments.remind"
    static let channelValues = ["email", "sms", "both", "preferred"]
    private let store: PracticeStore
    public let descriptor: OperationDescriptor

    public init(store: PracticeStore, limits: SelectionLimits) {
        self.store = store
        descriptor = OperationDescriptor(
            kind: Self.kind, entity: Appointment.entity,
            description: "Send appointment reminders (queued messages) by email, SMS, both or preference; "
                + "never reminds twice.",
            paramsSchema: ["type": "object", "required": ["channel"],
                           "properties": ["channel": ["type": "string", "enum": .array(Self.channelValues.map { .string($0) })]]],
            selectionLimit: limits.limit(for: Appointment.entity))
    }

    private func channel(_ params: JSONValue) throws -> String {
        let reader = try Params(params, allowed: ["channel"])
        let channel = try reader.string("channel") ?? "preferred"
        guard Self.channelValues.contains(channel) else {
            throw Params.invalid("channel", "params.channel must be email, sms, both or preferred", value: .string(channel))
        }
        return channel
    }

    public func validate(params: JSONValue) throws { _ = try channel(params) }

    public func resolve(_ selection: Selection) async throws -> [String] {
        try await EntitySelection.resolve(selection, in: store, entities: [Appointment.entity])
    }

    static func plan(_ id: String, channel: String, at: String, jobId: String, state: PracticeState) -> ItemPlan<Appointment> {
        guard var row = state.appointments[id], row.deletedAt == nil else { return .fail("not found") }
        if row.reminderSentAt != nil { return .skip("already reminded") }
        guard row.status == .scheduled || row.status == .confirmed else {
            return .fail("cannot remind of a \(row.status.rawValue) appointment")
        }
        guard let patient = state.patients[row.patientId], let client = state.clients[patient.clientId] else {
            return .fail("no owner on file")
        }
        if OwnerNotice.channels(channel, for: client).isEmpty {
            return .fail("owner opted out of \(channel == "both" || channel == "preferred" ? "email and sms" : channel)")
        }
        let messages = OwnerNotice.messages("reminder", appointment: row, channels: channel, jobId: jobId, at: at,
                                            state: state) { client, patient, vetName in
            ("Reminder: \(patient.name)'s appointment",
             "Hi \(client.firstName), a reminder of \(patient.name)'s \(row.type) appointment with \(vetName) on "
                + "\(OwnerNotice.when(row.startsAt)).")
        }
        row.reminderSentAt = at
        return .change(row, before: ["reminderSentAt": .null],
                       after: ["reminderSentAt": .string(at), "channels": .array(messages.map { .string($0.channel) })],
                       extra: [.putMessages(messages)])
    }

    public func preview(itemIds: [String], params: JSONValue) async throws -> JobPreview {
        let channel = try channel(params)
        let state = await store.state
        let at = Timestamp.string(Date())
        let plans = itemIds.map { Self.plan($0, channel: channel, at: at, jobId: "job_preview", state: state) }
        var email = 0, sms = 0
        for plan in plans {
            if case .change(_, _, let after, _) = plan {
                for value in after["channels"]?.arrayValue ?? [] { if value.stringValue == "email" { email += 1 } else { sms += 1 } }
            }
        }
        return OperationCore.preview(Appointment.self, itemIds: itemIds, plans: plans,
                                     estimate: ["emails": .number(Double(email)), "sms": .number(Double(sms))])
    }

    public func apply(_ chunk: ChunkRequest) async throws -> [ItemOutcome] {
        let channel = try channel(chunk.params)
        let at = Timestamp.string(Date())
        return try await OperationCore.apply(Appointment.self, chunk: chunk, store: store, action: Self.kind) { ids, state in
            ids.map { Self.plan($0, channel: channel, at: at, jobId: chunk.jobId, state: state) }
        }
    }
}
