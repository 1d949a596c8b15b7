import Foundation
import Orchestrator

/// Messages to a patient's owner about an appointment, queued in `messages` (the messaging kinds send them).
/// Opt-outs are honoured: no SMS without `smsOptIn`, no email without `emailOptIn`.
enum OwnerNotice {
    /// The channels a client may be reached on, for `requested` (`email`, `sms`, `both`, `preferred`).
    static func channels(_ requested: String, for client: Client) -> [String] {
        var wanted: [String]
        switch requested {
        case "email": wanted = ["email"]
        case "sms": wanted = ["sms"]
        case "both": wanted = ["email", "sms"]
        default:
            // why: "phone" has no automated channel; SMS reaches the same number
            wanted = client.preferredContact == .email ? ["email"] : ["sms"]
            if !allowed(wanted[0], client) { wanted = [wanted[0] == "email" ? "sms" : "email"] }
        }
        return wanted.filter { allowed($0, client) }
    }

    static func allowed(_ channel: String, _ client: Client) -> Bool {
        channel == "email" ? client.emailOptIn && !client.email.isEmpty : client.smsOptIn && !client.phone.isEmpty
    }

    /// Human-readable time of an appointment, e.g. `Tue 1 Dec 2026 at 09:30 UTC`.
    static func when(_ startsAt: String) -> String {
        guard let date = Timestamp.parse(startsAt) else { return startsAt }
        var time = time_t(date.timeIntervalSince1970)
        var parts = tm()
        gmtime_r(&time, &parts)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let minute = Int(parts.tm_min) < 10 ? "0\(parts.tm_min)" : "\(parts.tm_min)"
        let hour = Int(parts.tm_hour) < 10 ? "0\(parts.tm_hour)" : "\(parts.tm_hour)"
        return "\(days[Int(parts.tm_wday)]) \(parts.tm_mday) \(months[Int(parts.tm_mon)]) \(Int(parts.tm_year) + 1900) "
            + "at \(hour):\(minute) UTC"
    }

    /// The queued messages of one notice; `kind` keeps ids unique per job, appointment and channel.
    static func messages(_ kind: String, appointment: Appointment, channels requested: String, jobId: String,
                         at: String, state: PracticeState, text: (Client, Patient, String) -> (subject: String, body: String))
        -> [Message] {
        guard let patient = state.patients[appointment.patientId], let client = state.clients[patient.clientId] else {
            return []
        }
        let vetName = state.staff[appointment.vetId]?.name ?? appointment.vetId
        let (subject, body) = text(client, patient, vetName)
        return channels(requested, for: client).map { channel in
            Message(id: "msg_\(jobId.replacingOccurrences(of: "job_", with: ""))_\(appointment.id)_\(kind)_\(channel)",
                    jobId: jobId, recipient: channel == "email" ? client.email : client.phone, channel: channel,
                    subject: channel == "email" ? subject : nil,
                    body: channel == "sms" ? body + " Reply STOP to opt out." : body,
                    clientId: client.id, appointmentId: appointment.id, createdAt: at)
        }
    }
}
