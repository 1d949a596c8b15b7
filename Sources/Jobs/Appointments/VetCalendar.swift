import Foundation
import Orchestrator

/// Every vet's booked slots, for clash detection: appointments that hold a slot (scheduled, confirmed, checked
/// in), not soft-deleted.
struct VetCalendar {
    struct Slot {
        var id: String
        var start: Double
        var end: Double
    }

    /// Opening hours used for suggested free slots (UTC hours).
    static let opens = 8
    static let closes = 18
    /// How far a suggestion may be from the asked time.
    static let searchDays = 14
    static let step: Double = 15 * 60

    private(set) var slots: [String: [Slot]] = [:]

    init() {}

    /// The calendar of `state` without the appointments in `leaving` (those the job moves).
    init(_ state: PracticeState, leaving: Set<String>) {
        for appointment in state.appointments.rows.values
        where appointment.deletedAt == nil && appointment.status.holdsSlot && !leaving.contains(appointment.id) {
            add(vet: appointment.vetId, Slot(id: appointment.id, start: appointment.start, end: appointment.end))
        }
    }

    mutating func add(vet: String, _ slot: Slot) { slots[vet, default: []].append(slot) }

    /// The first slot of `vet` that overlaps [start, end), other than `ignoring`.
    func clash(vet: String, start: Double, end: Double, ignoring: String? = nil) -> Slot? {
        slots[vet]?.first { $0.id != ignoring && $0.start < end && start < $0.end }
    }

    /// The first free start of `vet`, at or after `start`, inside opening hours, for `minutes`.
    func freeSlot(vet: String, from start: Double, minutes: Int) -> Double? {
        let length = Double(minutes * 60)
        var candidate = (start / Self.step).rounded(.up) * Self.step
        let limit = start + Double(Self.searchDays) * 86_400
        while candidate < limit {
            let secondsOfDay = candidate.truncatingRemainder(dividingBy: 86_400)
            if secondsOfDay < Double(Self.opens * 3600) {
                candidate += Double(Self.opens * 3600) - secondsOfDay
                continue
            }
            if secondsOfDay + length > Double(Self.closes * 3600) {
                candidate += 86_400 - secondsOfDay
                continue
            }
            if let blocking = clash(vet: vet, start: candidate, end: candidate + length) {
                candidate = max(candidate + Self.step, (blocking.end / Self.step).rounded(.up) * Self.step)
                continue
            }
            return candidate
        }
        return nil
    }
}
