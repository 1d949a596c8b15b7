import Foundation
import Orchestrator
import Testing

/// The appointment kinds against the real binary: clashes computed independently from the calendars, statuses,
/// timestamps, freed slots and reminders never sent twice.
@Suite(.serialized) struct AppointmentKindsTests {
    struct Slot {
        var id: String
        var vet: String
        var start: Double
        var end: Double
        var status: String
    }

    static func slot(_ row: JSONValue) -> Slot {
        let start = Timestamp.parse(row["startsAt"]?.string ?? "")?.timeIntervalSince1970 ?? 0
        return Slot(id: row["id"]?.string ?? "", vet: row["vetId"]?.string ?? "", start: start,
                    end: start + Double((row["durationMinutes"]?.int ?? 0) * 60), status: row["status"]?.string ?? "")
    }

    static let holding: Set<String> = ["scheduled", "confirmed", "checkedIn"]

    /// The moved appointments that would overlap an appointment of the target vet that stays where it is.
    static func expectedClashes(moving: [Slot], calendar: [Slot], shift: Double, toVet: String?) -> Set<String> {
        let movingIds = Set(moving.map(\.id))
        let staying = calendar.filter { Self.holding.contains($0.status) && !movingIds.contains($0.id) }
        var clashes = Set<String>()
        var placed: [Slot] = []
        for slot in moving {
            let vet = toVet ?? slot.vet
            let start = slot.start + shift, end = slot.end + shift
            let blocked = (staying + placed).contains { $0.vet == vet && $0.start < end && start < $0.end }
            if blocked { clashes.insert(slot.id) } else { placed.append(Slot(id: slot.id, vet: vet, start: start, end: end, status: "scheduled")) }
        }
        return clashes
    }

    @Test func reschedulePreviewListsExactlyTheCalendarClashesAndTheJobNeverDoubleBooks() async throws {
        let demo = try await DemoServer.start()
        defer { Task { await demo.stop() } }
        let tomorrow = DemoServer.day(1)
        let filter: JSONValue = ["vetId": "vet_chen", "from": .string(tomorrow), "to": .string(tomorrow),
                                 "status": ["scheduled", "confirmed"]]
        let moving = try await demo.all("/v1/appointments?vetId=vet_chen&from=\(tomorrow)&to=\(tomorrow)")
            .filter { ["scheduled", "confirmed"].contains($0["status"]?.string ?? "") }.map(Self.slot)
        #expect(moving.count >= 3)
        let calendar = try await demo.all("/v1/appointments?from=\(DemoServer.day(0))&to=\(DemoServer.day(3))").map(Self.slot)

        // By one day: the clash list is every moved appointment that lands on one of Dr. Chen's next-day slots.
        let byDay: JSONValue = ["kind": "appointments.reschedule",
                                "selection": ["entity": "appointments", "filter": filter],
                                "params": ["shiftDays": 1, "reason": "Dr. Chen at a conference"]]
        let preview = try await demo.preview(byDay)
        let expected = Self.expectedClashes(moving: moving, calendar: calendar, shift: 86_400, toVet: nil)
        let listed = preview["conflicts"]?.arrayValue ?? []
        #expect(Set(listed.compactMap { $0["itemId"]?.string }) == expected)
        #expect(!expected.isEmpty, "the demo should give Dr. Chen clashes")
        #expect(preview["total"]?.int == moving.count)
        for conflict in listed {
            #expect(conflict["reason"]?.string?.hasPrefix("clash") == true)
            let suggested = try #require(conflict["suggestion"]?["startsAt"]?.string)
            let original = try #require(moving.first { $0.id == conflict["itemId"]?.string })
            let start = try #require(Timestamp.parse(suggested)).timeIntervalSince1970
            let end = start + (original.end - original.start)
            #expect(!calendar.contains { $0.vet == "vet_chen" && Self.holding.contains($0.status) && $0.start < end && start < $0.end })
        }

        // To another vet keeping the times: clashes against Dr. Wilson's calendar.
        let toWilson = try await demo.preview(["kind": "appointments.reschedule",
                                               "selection": ["entity": "appointments", "filter": filter],
                                               "params": ["toVetId": "vet_wilson", "reason": "Dr. Chen is ill"]])
        let expectedWilson = Self.expectedClashes(moving: moving, calendar: calendar, shift: 0, toVet: "vet_wilson")
        #expect(Set((toWilson["conflicts"]?.arrayValue ?? []).compactMap { $0["itemId"]?.string }) == expectedWilson)

        // Run it: non-clashing appointments move by a day, clashing ones stay and fail with the clash as reason.
        let job = try await demo.run(byDay)
        let outcomes = try await demo.outcomes(job["id"]?.string ?? "")
        for slot in moving {
            let after = Self.slot(try await demo.row("appointments", slot.id))
            if expected.contains(slot.id) {
                #expect(outcomes[slot.id]?.status == "failed")
                #expect(outcomes[slot.id]?.reason?.hasPrefix("clash") == true)
                #expect(after.start == slot.start)
            } else {
                #expect(outcomes[slot.id]?.status == "succeeded")
                #expect(after.start == slot.start + 86_400)
            }
        }
        let dayAfter = try await demo.all("/v1/appointments?vetId=vet_chen&from=\(DemoServer.day(2))&to=\(DemoServer.day(2))")
            .map(Self.slot).filter { Self.holding.contains($0.status) }
        for (index, a) in dayAfter.enumerated() {
            for b in dayAfter[(index + 1)...] { #expect(!(a.start < b.end && b.start < a.end), "\(a.id) overlaps \(b.id)") }
        }
        let audit = try await demo.all("/v1/audit?jobId=\(job["id"]?.string ?? "")&entity=appointments")
        #expect(audit.count == moving.count - expected.count)
        #expect(audit.allSatisfy { $0["reason"]?.string == "Dr. Chen at a conference" })
        let notices = try await demo.all("/v1/messages?jobId=\(job["id"]?.string ?? "")")
        #expect(!notices.isEmpty)
        #expect(notices.allSatisfy { $0["status"]?.string == "queued" })
    }

    @Test func cancelNeedsAReasonAndFreesTheSlots() async throws {
        let demo = try await DemoServer.start()
        defer { Task { await demo.stop() } }
        let day = DemoServer.day(3)
        let selection: JSONValue = ["entity": "appointments",
                                    "filter": ["vetId": "vet_wilson", "from": .string(day), "to": .string(day),
                                               "status": ["scheduled", "confirmed"]]]
        let noReason = try await demo.call("POST", "/v1/jobs", body: DemoServer.text(
            ["kind": "appointments.cancel", "selection": selection, "params": [:]]))
        #expect(noReason.status == 422)
        #expect(noReason.errorCode == "validation_failed")
        let cancelled = try await demo.all("/v1/appointments?vetId=vet_wilson&from=\(day)&to=\(day)")
            .filter { ["scheduled", "confirmed"].contains($0["status"]?.string ?? "") }
        let job = try await demo.run(["kind": "appointments.cancel", "selection": selection,
                                      "params": ["reason": "Clinic Emergency Closure"]])
        #expect(job["state"]?.string == "succeeded")
        for row in cancelled {
            let after = try await demo.row("appointments", row["id"]?.string ?? "")
            #expect(after["status"]?.string == "cancelled")
            #expect(after["cancelReason"]?.string == "Clinic Emergency Closure")
            #expect(after["cancelledAt"]?.string != nil)
        }
        // The freed day takes Dr. Chen's appointments of that day without a single clash.
        let move = try await demo.preview(["kind": "appointments.reschedule",
                                           "selection": ["entity": "appointments",
                                                         "filter": ["vetId": "vet_chen", "from": .string(day), "to": .string(day),
                                                                    "status": ["scheduled", "confirmed"]]],
                                           "params": ["toVetId": "vet_wilson", "reason": "cover"]])
        #expect(move["conflicts"]?.arrayValue?.isEmpty == true)
        #expect(try await demo.all("/v1/messages?jobId=\(job["id"]?.string ?? "")").count >= 1)
    }

    @Test func checkInAndCompleteRecordStatusAndTime() async throws {
        let demo = try await DemoServer.start()
        defer { Task { await demo.stop() } }
        let day = DemoServer.day(1)
        let rows = try await demo.all("/v1/appointments?vetId=vet_patel&from=\(day)&to=\(day)")
        let open = DemoServer.ids(rows.filter { ["scheduled", "confirmed"].contains($0["status"]?.string ?? "") })
        let cancelled = DemoServer.ids(try await demo.all("/v1/appointments?status=cancelled&from=\(day)")).prefix(1)
        let ids = JSONValue.array((open + cancelled).map { .string($0) })
        let checkIn = try await demo.run(["kind": "appointments.checkIn", "selection": ["entity": "appointments", "ids": ids],
                                          "params": [:]])
        let checked = try await demo.outcomes(checkIn["id"]?.string ?? "")
        for id in open {
            let row = try await demo.row("appointments", id)
            #expect(row["status"]?.string == "checkedIn")
            #expect(row["checkedInAt"]?.string != nil)
        }
        for id in cancelled { #expect(checked[id]?.reason == "cannot check in a cancelled appointment") }
        let complete = try await demo.run(["kind": "appointments.complete",
                                           "selection": ["entity": "appointments", "ids": ids], "params": [:]])
        #expect(complete["progress"]?["succeeded"]?.int == open.count)
        for id in open {
            let row = try await demo.row("appointments", id)
            #expect(row["status"]?.string == "completed")
            #expect(row["completedAt"]?.string != nil)
        }
        let again = try await demo.run(["kind": "appointments.complete",
                                        "selection": ["entity": "appointments", "ids": .array(open.map { .string($0) })],
                                        "params": [:]])
        #expect(again["progress"]?["skipped"]?.int == open.count)
    }

    @Test func remindQueuesOneReminderPerOwnerAndNeverTwice() async throws {
        let demo = try await DemoServer.start()
        defer { Task { await demo.stop() } }
        let day = DemoServer.day(2)
        let selection: JSONValue = ["entity": "appointments",
                                    "filter": ["from": .string(day), "to": .string(day), "status": ["scheduled", "confirmed"],
                                               "reminded": false]]
        let due = DemoServer.ids(try await demo.all("/v1/appointments?from=\(day)&to=\(day)&reminded=false")
            .filter { ["scheduled", "confirmed"].contains($0["status"]?.string ?? "") })
        #expect(due.count > 10)
        let job = try await demo.run(["kind": "appointments.remind", "selection": selection, "params": ["channel": "preferred"]])
        let outcomes = try await demo.outcomes(job["id"]?.string ?? "")
        let messages = try await demo.all("/v1/messages?jobId=\(job["id"]?.string ?? "")")
        let reminded = due.filter { outcomes[$0]?.status == "succeeded" }
        #expect(reminded.count + due.count(where: { outcomes[$0]?.reason?.hasPrefix("owner opted out") == true }) == due.count)
        #expect(messages.count == reminded.count)
        #expect(Set(messages.compactMap { $0["appointmentId"]?.string }) == Set(reminded))
        for id in reminded.prefix(10) { #expect(try await demo.row("appointments", id)["reminderSentAt"]?.string != nil) }

        // The same selection again by ids: every reminded appointment is skipped, no message is added.
        let again = try await demo.run(["kind": "appointments.remind",
                                        "selection": ["entity": "appointments", "ids": .array(reminded.map { .string($0) })],
                                        "params": ["channel": "both"]])
        #expect(again["progress"]?["skipped"]?.int == reminded.count)
        #expect(try await demo.all("/v1/messages").count == messages.count)
    }
}
