import Foundation
import Orchestrator

/// `appointments.reschedule`: shifts appointments by days and/or hours, and/or moves them to another vet keeping
/// their times. Each moved appointment is checked against the target vet's calendar, including the other
/// appointments the same job moves: a clashing item fails with the clash as its reason (never double-booked), and
/// the preview lists every clash with a suggested free slot. Owners are notified (queued messages) unless
/// `notify` is false; the reason goes into the audit.
public struct AppointmentRescheduleOperation: BulkOperation {
    public static let kind = "appointments.reschedule"
    private let store: PracticeStore
    public let descriptor: OperationDescriptor

    public init(store: PracticeStore, limits: SelectionLimits) {
        self.store = store
        descriptor = OperationDescriptor(
            kind: Self.kind, entity: Appointment.entity,
            description: "Shift appointments by days or hours, or move them to another vet keeping their times; "
                + "clashes fail per item and the preview suggests free slots.",
            paramsSchema: ["type": "object", "required": ["reason"],
                           "properties": ["shiftDays": ["type": "integer"], "shiftHours": ["type": "integer"],
                                          "toVetId": ["type": "string"], "reason": ["type": "string"],
                                          "notify": ["type": "boolean", "default": true]],
                           "anyOf": [["required": ["shiftDays"]], ["required": ["shiftHours"]],
                                     ["required": ["toVetId"]]]],
            selectionLimit: limits.limit(for: Appointment.entity))
    }

    struct Move: Sendable {
        var shiftSeconds: Double
        var toVetId: String?
        var reason: String
        var notify: Bool
    }

    private func move(_ params: JSONValue) throws -> Move {
        let reader = try Params(params, allowed: ["shiftDays", "shiftHours", "toVetId", "reason", "notify"])
        let days = try reader.int("shiftDays") ?? 0
        let hours = try reader.int("shiftHours") ?? 0
        let vet = try reader.string("toVetId")
        guard reader.has("shiftDays") || reader.has("shiftHours") || vet != nil else {
            throw Params.invalid("shiftDays", "give at least one of params.shiftDays, params.shiftHours, params.toVetId")
        }
        guard abs(days) <= 366, abs(hours) <= 24 * 366 else {
            throw Params.invalid("shiftDays", "a shift may be at most a year")
        }
        guard let reason = try reader.string("reason")?.trimmingCharacters(in: .whitespaces), !reason.isEmpty else {
            throw Params.invalid("reason", "params.reason is required (it goes into the audit trail)")
        }
        return Move(shiftSeconds: Double(days * 86_400 + hours * 3_600), toVetId: vet, reason: reason,
                    notify: try reader.bool("notify") ?? true)
    }

    public func validate(params: JSONValue) throws { _ = try move(params) }

    public func resolve(_ selection: Selection) async throws -> [String] {
        try await EntitySelection.resolve(selection, in: store, entities: [Appointment.entity])
    }

    public func check(params: JSONValue, itemIds: [String]) async throws {
        if let vet = try move(params).toVetId { try await StaffCheck.require(vet, role: .vet, field: "toVetId", in: store) }
    }

    /// Plans every item together, so that clashes among the moved appointments are found too. The calendar holds
    /// the appointments that stay; each movable item, in job order, takes its new slot unless that slot is taken,
    /// and an item that cannot move keeps (and blocks) its old slot — repeated until nothing new fails.
    static func plans(_ ids: [String], _ move: Move, state: PracticeState, at: String, jobId: String)
        -> [ItemPlan<Appointment>] {
        var fixed: [Int: ItemPlan<Appointment>] = [:]
        var movable: [Int] = []
        for (index, id) in ids.enumerated() {
            guard let row = state.appointments[id], row.deletedAt == nil else {
                fixed[index] = .fail("not found")
                continue
            }
            guard row.status == .scheduled || row.status == .confirmed else {
                fixed[index] = .fail("cannot reschedule a \(row.status.rawValue) appointment")
                continue
            }
            if move.shiftSeconds == 0, move.toVetId == nil || move.toVetId == row.vetId {
                fixed[index] = .skip("already at that time with that vet")
                continue
            }
            movable.append(index)
        }
        let rows = ids.map { state.appointments[$0] }
        let moving = Set(movable.map { ids[$0] })
        let base = VetCalendar(state, leaving: moving)
        var clashes: [Int: VetCalendar.Slot] = [:]
        var calendar = base
        while true {
            calendar = base
            for index in movable where clashes[index] != nil {
                let row = rows[index]!
                calendar.add(vet: row.vetId, .init(id: row.id, start: row.start, end: row.end))
            }
            var newClash = false
            var placed = calendar
            for index in movable where clashes[index] == nil {
                let row = rows[index]!
                let vet = move.toVetId ?? row.vetId
                let start = row.start + move.shiftSeconds
                let end = start + Double(row.durationMinutes * 60)
                if let blocking = placed.clash(vet: vet, start: start, end: end, ignoring: row.id) {
                    clashes[index] = blocking
                    newClash = true
                } else {
                    placed.add(vet: vet, .init(id: row.id, start: start, end: end))
                }
            }
            calendar = placed
            if !newClash { break }
        }
        var suggestionCalendar = calendar
        var plans: [ItemPlan<Appointment>] = []
        for index in ids.indices {
            if let plan = fixed[index] {
                plans.append(plan)
                continue
            }
            let row = rows[index]!
            let vet = move.toVetId ?? row.vetId
            let start = row.start + move.shiftSeconds
            if let blocking = clashes[index] {
                let other = state.appointments[blocking.id]
                var suggestion: JSONValue?
                if let free = suggestionCalendar.freeSlot(vet: vet, from: start, minutes: row.durationMinutes) {
                    let startsAt = Timestamp.string(Date(timeIntervalSince1970: free))
                    suggestion = ["startsAt": .string(startsAt), "vetId": .string(vet)]
                    suggestionCalendar.add(vet: vet, .init(id: row.id + "#suggested", start: free,
                                                           end: free + Double(row.durationMinutes * 60)))
                }
                plans.append(.fail("clash: \(vet) already has \(blocking.id) at \(other?.startsAt ?? "?") "
                                   + "(\(other?.durationMinutes ?? 0) min)", suggestion: suggestion))
                continue
            }
            var moved = row
            moved.vetId = vet
            moved.startsAt = Timestamp.string(Date(timeIntervalSince1970: start))
            var extra: [PracticeChange] = []
            if move.notify {
                let messages = OwnerNotice.messages("rescheduled", appointment: moved, channels: "preferred",
                                                    jobId: jobId, at: at, state: state) { client, patient, vetName in
                    ("\(patient.name)'s appointment has moved",
                     "Hi \(client.firstName), \(patient.name)'s \(row.type) appointment has moved from "
                        + "\(OwnerNotice.when(row.startsAt)) to \(OwnerNotice.when(moved.startsAt)) with \(vetName). "
                        + "Reason: \(move.reason).")
                }
                if !messages.isEmpty { extra.append(.putMessages(messages)) }
            }
            plans.append(.change(moved, before: ["startsAt": .string(row.startsAt), "vetId": .string(row.vetId)],
                                 after: ["startsAt": .string(moved.startsAt), "vetId": .string(vet)], extra: extra))
        }
        return plans
    }

    public func preview(itemIds: [String], params: JSONValue) async throws -> JobPreview {
        let move = try move(params)
        let state = await store.state
        let plans = Self.plans(itemIds, move, state: state, at: Timestamp.string(Date()), jobId: "job_preview")
        var warnings: [String] = []
        if move.notify { warnings.append("owners of moved appointments will be notified (queued messages)") }
        return OperationCore.preview(Appointment.self, itemIds: itemIds, plans: plans, warnings: warnings)
    }

    public func apply(_ chunk: ChunkRequest) async throws -> [ItemOutcome] {
        let move = try move(chunk.params)
        let at = Timestamp.string(Date())
        return try await OperationCore.apply(Appointment.self, chunk: chunk, store: store, action: Self.kind,
                                             reason: move.reason) { ids, state in
            Self.plans(ids, move, state: state, at: at, jobId: chunk.jobId)
        }
    }
}
