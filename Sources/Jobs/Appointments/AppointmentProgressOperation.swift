import Foundation
import Orchestrator

/// `appointments.checkIn` (scheduled/confirmed → checkedIn, with `checkedInAt`) and `appointments.complete`
/// (scheduled/confirmed/checkedIn → completed, with `completedAt`; the patient's `lastVisitAt` follows).
public struct AppointmentProgressOperation: BulkOperation {
    /// Which step of the visit the kind records.
    public enum Step: String, Sendable {
        case checkIn = "appointments.checkIn"
        case complete = "appointments.complete"
    }

    private let store: PracticeStore
    private let step: Step
    public let descriptor: OperationDescriptor

    public init(_ step: Step, store: PracticeStore, limits: SelectionLimits) {
        self.store = store
        self.step = step
        descriptor = OperationDescriptor(
            kind: step.rawValue, entity: Appointment.entity,
            description: step == .checkIn ? "Check patients in: status checkedIn with the check-in time."
                : "Complete appointments: status completed with the completion time.",
            paramsSchema: ["type": "object", "properties": [:]],
            selectionLimit: limits.limit(for: Appointment.entity))
    }

    public func validate(params: JSONValue) throws { _ = try Params(params, allowed: []) }

    public func resolve(_ selection: Selection) async throws -> [String] {
        try await EntitySelection.resolve(selection, in: store, entities: [Appointment.entity])
    }

    static func plan(_ id: String, step: Step, at: String, state: PracticeState) -> ItemPlan<Appointment> {
        guard var row = state.appointments[id], row.deletedAt == nil else { return .fail("not found") }
        let before = row.status
        switch (step, row.status) {
        case (.checkIn, .checkedIn): return .skip("already checked in")
        case (.complete, .completed): return .skip("already completed")
        case (.checkIn, .scheduled), (.checkIn, .confirmed):
            row.status = .checkedIn
            row.checkedInAt = at
            return .change(row, before: ["status": .string(before.rawValue)],
                           after: ["status": "checkedIn", "checkedInAt": .string(at)])
        case (.complete, .scheduled), (.complete, .confirmed), (.complete, .checkedIn):
            row.status = .completed
            row.completedAt = at
            var extra: [PracticeChange] = []
            if var patient = state.patients[row.patientId], (patient.lastVisitAt ?? "") < row.startsAt {
                patient.lastVisitAt = row.startsAt
                extra.append(.putPatients([patient]))
            }
            return .change(row, before: ["status": .string(before.rawValue)],
                           after: ["status": "completed", "completedAt": .string(at)], extra: extra)
        default:
            return .fail("cannot \(step == .checkIn ? "check in" : "complete") a \(row.status.rawValue) appointment")
        }
    }

    public func preview(itemIds: [String], params: JSONValue) async throws -> JobPreview {
        let state = await store.state
        let at = Timestamp.string(Date())
        return OperationCore.preview(Appointment.self, itemIds: itemIds,
                                     plans: itemIds.map { Self.plan($0, step: step, at: at, state: state) })
    }

    public func apply(_ chunk: ChunkRequest) async throws -> [ItemOutcome] {
        let at = Timestamp.string(Date())
        let step = self.step
        return try await OperationCore.apply(Appointment.self, chunk: chunk, store: store, action: step.rawValue) { ids, state in
            ids.map { Self.plan($0, step: step, at: at, state: state) }
        }
    }
}
