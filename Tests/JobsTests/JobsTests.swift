import Foundation
@testable import Jobs
import Orchestrator
import Testing

/// Unit tests of the practice store's codec and of the reschedule planner.
struct PracticeCodecTests {
    @Test func everyChangeRoundTripsThroughTheJournalCodec() throws {
        let changes = DemoPractice.build(seed: 7, now: Date(timeIntervalSince1970: 1_795_000_000)) + [
            .audit(AuditBatch(at: "2026-11-28T10:00:00.000000Z", actor: "a", action: "x", jobId: "job_1",
                              entity: "appointments", field: nil, itemIds: ["apt_1"], before: ["{}"], after: ["{}"],
                              reason: "Dr. Chen is ill")),
            .audit(AuditBatch(at: "2026-11-28T10:00:00.000000Z", actor: "a", action: "y", jobId: nil, entity: "records",
                              field: "status", itemIds: ["rec_1"], before: ["b"], after: ["c"])),
            .remove(entity: "clients", ids: ["cli_00001"]),
        ]
        let decoded = try PracticeChange.decode(try PracticeChange.encode(changes))
        var left = PracticeState(), right = PracticeState()
        for change in changes { left.apply(change) }
        for change in decoded { right.apply(change) }
        let same = left.clients.all == right.clients.all && left.patients.all == right.patients.all
            && left.appointments.all == right.appointments.all && left.accounts.all == right.accounts.all
            && left.records.all == right.records.all && left.audit == right.audit
        #expect(same)
        #expect(right.audit.first?.reason == "Dr. Chen is ill")
        #expect(right.clients["cli_00001"] == nil)
    }

    static func state(seed: UInt64, now: Date) -> PracticeState {
        var state = PracticeState()
        for change in DemoPractice.build(seed: seed, now: now) { state.apply(change) }
        return state
    }

    @Test func theDemoIsDeterministicFromItsSeed() {
        let now = Date(timeIntervalSince1970: 1_795_000_000)
        let first = Self.state(seed: 11, now: now), second = Self.state(seed: 11, now: now)
        let other = Self.state(seed: 12, now: now)
        // why: compare as booleans; a failing comparison of thousands of rows makes a very slow diff
        let same = first.clients.all == second.clients.all && first.patients.all == second.patients.all
            && first.appointments.all == second.appointments.all && first.records.all == second.records.all
            && first.accounts.all == second.accounts.all && first.billing.all == second.billing.all
        #expect(same)
        let differs = first.appointments.all != other.appointments.all && first.accounts.all != other.accounts.all
        #expect(differs)
        #expect(first.staff.all.filter { $0.role == .vet }.count == DemoPractice.vets.count)
        #expect(first.records.all.count { $0.status == .draft } > 1_000)
    }
}

struct ReschedulePlanTests {
    static let day: Double = 1_795_000_000 - 1_795_000_000.truncatingRemainder(dividingBy: 86_400)

    static func appointment(_ id: String, vet: String, hour: Double, minutes: Int = 60) -> Appointment {
        Appointment(id: id, patientId: "pat_1", vetId: vet,
                    startsAt: Timestamp.string(Date(timeIntervalSince1970: day + hour * 3_600)),
                    durationMinutes: minutes, type: "wellness", status: .scheduled)
    }

    static func state(_ rows: [Appointment]) -> PracticeState {
        var state = PracticeState()
        state.apply(.putAppointments(rows))
        return state
    }

    static func outcome(_ plan: ItemPlan<Appointment>) -> String {
        switch plan {
        case .change: "moved"
        case .skip: "skipped"
        case .fail(let reason, _): reason.hasPrefix("clash") ? "clash" : reason
        }
    }

    @Test func aChainOfMovesIntoSlotsThatAreBeingVacatedSucceeds() {
        // 9:00 and 10:00 move one hour later: the first lands where the second was.
        let state = Self.state([Self.appointment("a", vet: "v", hour: 9), Self.appointment("b", vet: "v", hour: 10)])
        let move = AppointmentRescheduleOperation.Move(shiftSeconds: 3_600, toVetId: nil, reason: "r", notify: false)
        let plans = AppointmentRescheduleOperation.plans(["a", "b"], move, state: state, at: "", jobId: "job_t")
        #expect(plans.map(Self.outcome) == ["moved", "moved"])
    }

    @Test func anItemThatCannotMoveKeepsBlockingItsOldSlot() {
        // b (10:00) would move onto c (11:00, staying) and fails, so a (9:00) cannot take b's old slot either.
        let state = Self.state([Self.appointment("a", vet: "v", hour: 9), Self.appointment("b", vet: "v", hour: 10),
                                Self.appointment("c", vet: "v", hour: 11)])
        let move = AppointmentRescheduleOperation.Move(shiftSeconds: 3_600, toVetId: nil, reason: "r", notify: false)
        let plans = AppointmentRescheduleOperation.plans(["a", "b"], move, state: state, at: "", jobId: "job_t")
        #expect(plans.map(Self.outcome) == ["clash", "clash"])
    }

    @Test func movedItemsClashWithEachOtherOnTheTargetVet() {
        // Two vets' 9:00 appointments both move to vet w: the first wins, the second clashes with it.
        let state = Self.state([Self.appointment("a", vet: "v", hour: 9), Self.appointment("b", vet: "x", hour: 9, minutes: 30),
                                Self.appointment("c", vet: "w", hour: 14)])
        let move = AppointmentRescheduleOperation.Move(shiftSeconds: 0, toVetId: "w", reason: "r", notify: false)
        let plans = AppointmentRescheduleOperation.plans(["a", "b"], move, state: state, at: "", jobId: "job_t")
        #expect(plans.map(Self.outcome) == ["moved", "clash"])
        guard case .fail(_, let suggestion) = plans[1] else { return }
        // The next free half hour of vet w after 9:00 is 10:00 (a now holds 9:00–10:00).
        #expect(suggestion?["startsAt"]?.stringValue == Timestamp.string(Date(timeIntervalSince1970: Self.day + 10 * 3_600)))
    }
}
