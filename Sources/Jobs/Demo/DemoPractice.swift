import Foundation
import Orchestrator

/// The demo practice `serve --demo` creates on an empty store: staff (vets, collectors, a manager, front desk),
/// clients and their pets, medical records (many drafts) with their bills, appointments from a week ago to four
/// weeks ahead in each vet's calendar (never double-booked within one vet, so moving a day or a vet meets real
/// clashes), collection accounts, and message templates. Deterministic from `seed` and the day of `now`.
public enum DemoPractice {
    public static let vets = ["vet_chen", "vet_wilson", "vet_patel", "vet_garcia", "vet_okafor"]
    public static let collectors = ["col_adams", "col_brooks", "col_nguyen", "col_ortiz"]
    public static let clientCount = 2_500
    public static let patientCount = 4_000
    public static let recordCount = 3_000
    public static let accountCount = 3_000
    /// Appointments are booked from this many days ago …
    public static let appointmentDaysBack = 7
    /// … to this many days ahead.
    public static let appointmentDaysAhead = 28

    public static let staff: [StaffMember] = [
        StaffMember(id: "vet_chen", name: "Dr. Emily Chen", role: .vet, email: "emily.chen@pawsandclaws.example"),
        StaffMember(id: "vet_wilson", name: "Dr. James Wilson", role: .vet, email: "james.wilson@pawsandclaws.example"),
        StaffMember(id: "vet_patel", name: "Dr. Priya Patel", role: .vet, email: "priya.patel@pawsandclaws.example"),
        StaffMember(id: "vet_garcia", name: "Dr. Sofia Garcia", role: .vet, email: "sofia.garcia@pawsandclaws.example"),
        StaffMember(id: "vet_okafor", name: "Dr. Chidi Okafor", role: .vet, email: "chidi.okafor@pawsandclaws.example"),
        StaffMember(id: "col_adams", name: "Grace Adams", role: .collector, email: "grace.adams@recoverwell.example"),
        StaffMember(id: "col_brooks", name: "Marcus Brooks", role: .collector, email: "marcus.brooks@recoverwell.example"),
        StaffMember(id: "col_nguyen", name: "Linh Nguyen", role: .collector, email: "linh.nguyen@recoverwell.example"),
        StaffMember(id: "col_ortiz", name: "Daniel Ortiz", role: .collector, email: "daniel.ortiz@recoverwell.example"),
        StaffMember(id: "mgr_harper", name: "Olivia Harper", role: .manager, email: "olivia.harper@pawsandclaws.example"),
        StaffMember(id: "fd_lee", name: "Sam Lee", role: .frontDesk, email: "sam.lee@pawsandclaws.example"),
        StaffMember(id: "fd_morgan", name: "Taylor Morgan", role: .frontDesk, email: "taylor.morgan@pawsandclaws.example"),
    ]

    static let firstNames = ["Olivia", "Liam", "Emma", "Noah", "Ava", "Oliver", "Sophia", "Elijah", "Isabella", "James",
                             "Mia", "William", "Amelia", "Benjamin", "Harper", "Lucas", "Evelyn", "Henry", "Abigail",
                             "Alexander", "Ella", "Daniel", "Grace", "Matthew", "Chloe", "Jack", "Nora", "Leo", "Zoe",
                             "Samuel", "Priya", "Wei", "Fatima", "Mateo", "Aisha", "Kenji", "Ingrid", "Tomás"]
    static let lastNames = ["Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez",
                            "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor",
                            "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson", "White", "Harris", "Clark",
                            "Lewis", "Robinson", "Walker", "Young", "Kim", "Singh", "Nakamura", "O'Brien", "Kowalski"]
    static let petNames = ["Bella", "Max", "Luna", "Charlie", "Lucy", "Cooper", "Daisy", "Milo", "Bailey", "Rocky",
                           "Coco", "Oscar", "Molly", "Teddy", "Simba", "Nala", "Loki", "Pepper", "Ziggy", "Biscuit",
                           "Mango", "Willow", "Archie", "Rosie", "Toby", "Ginger", "Shadow", "Kiwi", "Pickles", "Olive"]
    static let breeds: [String: [String]] = [
        "dog": ["Labrador Retriever", "German Shepherd", "Golden Retriever", "French Bulldog", "Beagle", "Poodle",
                "Dachshund", "Border Collie", "mixed"],
        "cat": ["Domestic Shorthair", "Maine Coon", "Siamese", "Ragdoll", "Bengal", "British Shorthair"],
        "bird": ["Budgerigar", "Cockatiel", "African Grey"], "rabbit": ["Holland Lop", "Netherland Dwarf", "Rex"],
        "reptile": ["Bearded Dragon", "Leopard Gecko", "Corn Snake"], "exotic": ["Ferret", "Chinchilla", "Hedgehog"],
        "other": ["Guinea Pig", "Hamster"],
    ]
    static let streets = ["Oak Street", "Maple Avenue", "Cedar Lane", "Elm Road", "Birch Way", "Willow Drive",
                          "Harbour Road", "Mill Lane", "Station Road", "Park Avenue"]
    static let towns = ["Springfield", "Riverton", "Lakeside", "Fairview", "Greenville"]
    static let appointmentTypes = ["wellness", "wellness", "vaccination", "vaccination", "dental", "surgery",
                                   "follow-up", "follow-up"]
    static let usStates = ["CA", "TX", "FL", "NY", "PA", "IL", "OH", "GA", "NC", "MI", "WA", "AZ"]
    static let agencyClients = ["Northside Medical Group", "Metro Utilities", "Summit Auto Finance",
                                "Lakeside Dental", "Brightline Telecom"]
    static let creditors = ["First Capital Bank", "Metro Utilities", "Summit Auto Finance", "CareCredit Partners",
                            "Brightline Telecom"]

    public static let templates: [MessageTemplate] = [
        MessageTemplate(id: "tpl_reminder_email", name: "Appointment Reminder (24h)", channel: "email",
                        subject: "Reminder: {{petName}}'s appointment tomorrow",
                        body: "Hi {{ownerFirstName}}, this is a reminder of {{petName}}'s appointment with {{vetName}} "
                            + "at {{clinicName}}. Call {{clinicPhone}} to change it."),
        MessageTemplate(id: "tpl_reminder_sms", name: "Appointment Reminder (SMS)", channel: "sms", subject: nil,
                        body: "{{clinicName}}: {{petName}} has an appointment tomorrow. Reply STOP to opt out."),
        MessageTemplate(id: "tpl_vaccination", name: "Vaccination Reminder", channel: "email",
                        subject: "{{petName}} is due for vaccinations",
                        body: "Hi {{ownerFirstName}}, {{petName}}'s vaccinations are due on {{nextVaccinationDue}}."),
        MessageTemplate(id: "tpl_wellness", name: "Wellness Check Reminder", channel: "email",
                        subject: "Time for {{petName}}'s wellness check",
                        body: "Hi {{ownerFirstName}}, it has been a while since {{petName}}'s last visit "
                            + "({{lastVisitDate}}). Book a wellness check at {{clinicPhone}}."),
        MessageTemplate(id: "tpl_closure_sms", name: "Emergency Closure", channel: "sms", subject: nil,
                        body: "{{clinicName}} is closed today due to an emergency. We will call to rebook. Reply STOP to opt out."),
        MessageTemplate(id: "tpl_payment_email", name: "Payment Reminder", channel: "email",
                        subject: "Your account {{accountNumber}}",
                        body: "Dear {{debtorName}}, your balance of {{currentBalance}} is overdue. Call us to arrange a plan."),
    ]

    @discardableResult
    public static func seed(into store: PracticeStore, seed: UInt64 = 2026, now: Date = Date()) async throws -> Int {
        let changes = build(seed: seed, now: now)
        try await store.commit(changes)
        return changes.reduce(0) { total, change in
            switch change {
            case .putRecords(let list): total + list.count
            case .putClients(let list): total + list.count
            case .putPatients(let list): total + list.count
            case .putAppointments(let list): total + list.count
            case .putAccounts(let list): total + list.count
            case .putBilling(let list): total + list.count
            case .putStaff(let list): total + list.count
            case .putTemplates(let list): total + list.count
            default: total
            }
        }
    }

    /// The demo's rows as the changes that create them.
    public static func build(seed: UInt64 = 2026, now: Date = Date()) -> [PracticeChange] {
        var random = SeededRandom(seed: seed)
        let today = (now.timeIntervalSince1970 / 86_400).rounded(.down) * 86_400
        func stamp(_ seconds: Double) -> String { Timestamp.string(Date(timeIntervalSince1970: seconds)) }
        func day(_ seconds: Double) -> String { String(stamp(seconds).prefix(10)) }
        func chance(_ percent: UInt64) -> Bool { random.next() % 100 < percent }

        var clients: [Client] = []
        for index in 1...clientCount {
            let first = random.pick(firstNames), last = random.pick(lastNames)
            let contact = random.pick([Client.Contact.email, .email, .sms, .phone])
            let handle = (first + "." + last).lowercased().replacingOccurrences(of: "'", with: "")
                .replacingOccurrences(of: "á", with: "a")
            clients.append(Client(
                id: String(format: "cli_%05d", index), firstName: first, lastName: last,
                email: "\(handle)\(index)@example.com", phone: String(format: "555-%03d-%04d", 200 + index % 700, index),
                address: "\(1 + random.next() % 300) \(random.pick(streets)), \(random.pick(towns))",
                preferredContact: contact, smsOptIn: contact == .email ? chance(50) : chance(90), emailOptIn: chance(92),
                engagementScore: Int(random.next() % 101),
                createdAt: stamp(today - Double(30 + random.next() % 2_000) * 86_400 + Double(random.next() % 36_000))))
        }

        let speciesWeights = ["dog", "dog", "dog", "dog", "cat", "cat", "cat", "bird", "rabbit", "reptile", "exotic", "other"]
        let allergyList = ["penicillin", "beef", "chicken", "flea saliva", "pollen"]
        let conditionList = ["arthritis", "diabetes", "otitis", "dermatitis", "obesity", "kidney disease"]
        let medicationList = ["carprofen", "insulin", "apoquel", "gabapentin", "thyroxine"]
        var patients: [Patient] = []
        for index in 1...patientCount {
            let species = random.pick(speciesWeights)
            // why: the first pets go one per client so that every client has one; the rest make multi-pet homes
            let owner = index <= clientCount ? index : Int(random.next() % UInt64(clientCount)) + 1
            let born = today - Double(200 + random.next() % 5_000) * 86_400
            patients.append(Patient(
                id: String(format: "pat_%05d", index), clientId: String(format: "cli_%05d", owner),
                name: random.pick(petNames), species: species, breed: random.pick(breeds[species] ?? ["mixed"]),
                dateOfBirth: day(born), weightKg: species == "dog" ? Double(30 + random.next() % 400) / 10
                    : Double(5 + random.next() % 80) / 10,
                gender: random.pick(["male", "female", "female", "male", "unknown"]),
                microchip: chance(70) ? String(format: "985%012llu", random.next() % 1_000_000_000_000) : nil,
                allergies: chance(15) ? [random.pick(allergyList)] : [],
                conditions: chance(25) ? [random.pick(conditionList)] : [],
                medications: chance(20) ? [random.pick(medicationList)] : [],
                lastVisitAt: chance(85) ? stamp(today - Double(1 + random.next() % 700) * 86_400 + 36_000) : nil,
                nextVaccinationDue: chance(80) ? day(today + Double(Int(random.next() % 400) - 60) * 86_400) : nil))
        }

        let templateNames = ["wellness", "dental", "surgery", "vaccination", "follow-up"]
        let assessments = ["Healthy", "Mild otitis externa", "Grade 2 dental disease", "Post-operative, healing well",
                           "Overweight; diet plan", "Allergic dermatitis"]
        var records: [MedicalRecord] = []
        var bills: [BillingEntry] = []
        for index in 1...recordCount {
            let daysAgo = Double(random.next() % 90)
            let date = today - daysAgo * 86_400 + 28_800 + Double(random.next() % 32_400)
            let roll = random.next() % 10
            let status: MedicalRecord.Status = roll < 4 ? .draft : (roll < 9 ? .finalized : .archived)
            let template = random.pick(templateNames)
            let patient = String(format: "pat_%05d", Int(random.next() % UInt64(patientCount)) + 1)
            let billed = status != .draft && chance(60)
            let id = String(format: "rec_%05d", index)
            records.append(MedicalRecord(
                id: id, patientId: patient, vetId: random.pick(vets), date: stamp(date), template: template,
                status: status, tags: roll == 0 ? ["follow-up"] : [], subjective: "Owner reports \(template) visit.",
                objective: "T 38.\(random.next() % 9) °C, HR \(80 + random.next() % 60)",
                assessment: random.pick(assessments), plan: "Recheck in \(2 + random.next() % 10) weeks", billed: billed))
            if billed {
                bills.append(BillingEntry(id: BillingEntry.id(forRecord: id), recordId: id, patientId: patient,
                                          amount: RecordBillingOperation.defaultAmounts[template] ?? 60,
                                          status: chance(70) ? .paid : .open, createdAt: stamp(date + 3_600)))
            }
        }

        var appointments: [Appointment] = []
        let nowSeconds = now.timeIntervalSince1970
        for offset in -appointmentDaysBack...appointmentDaysAhead {
            let dayStart = today + Double(offset) * 86_400
            for vet in vets {
                var minute = 8 * 60
                while minute < 18 * 60 {
                    guard chance(25) else {
                        minute += 15
                        continue
                    }
                    let duration = min(random.pick([15, 30, 30, 45, 60]), 18 * 60 - minute)
                    let start = dayStart + Double(minute * 60)
                    let status: Appointment.Status
                    if start + Double(duration * 60) < nowSeconds {
                        status = chance(90) ? .completed : .cancelled
                    } else {
                        let roll = random.next() % 10
                        status = roll < 6 ? .scheduled : (roll < 9 ? .confirmed : .cancelled)
                    }
                    var row = Appointment(
                        id: String(format: "apt_%05d", appointments.count + 1),
                        patientId: String(format: "pat_%05d", Int(random.next() % UInt64(patientCount)) + 1),
                        vetId: vet, startsAt: stamp(start), durationMinutes: duration, type: random.pick(appointmentTypes),
                        status: status)
                    if status == .completed {
                        row.checkedInAt = stamp(start - 300)
                        row.completedAt = stamp(start + Double(duration * 60))
                    }
                    if status == .cancelled {
                        row.cancelledAt = stamp(start - 86_400)
                        row.cancelReason = random.pick(["Owner request", "Pet unwell", "Clinic schedule change"])
                    }
                    if status == .confirmed, offset <= 2, chance(40) { row.reminderSentAt = stamp(start - 86_400 - 7_200) }
                    appointments.append(row)
                    minute += duration
                }
            }
        }

        var accounts: [Account] = []
        let statusWeights = ["new", "new", "new", "active", "active", "active", "contacted", "contacted", "promiseToPay",
                             "paymentPlan", "disputed", "legal", "skipTrace", "settled", "paidInFull", "closed"]
        for index in 1...accountCount {
            let first = random.pick(firstNames), last = random.pick(lastNames)
            let paid = chance(45)
            let paidAt = today - Double(1 + random.next() % 120) * 86_400
            let assigned: String? = chance(50) ? random.pick(collectors) : nil
            let pending = chance(20) ? Double(25 + random.next() % 500) : 0
            accounts.append(Account(
                id: String(format: "acc_%05d", index), fileNumber: String(format: "F-%06d", 100_000 + index),
                client: random.pick(agencyClients), portfolio: "P-2026-\(random.pick(["A", "B", "C", "D"]))",
                accountNumber: String(format: "%010llu", random.next() % 10_000_000_000),
                debtorName: first + " " + last, status: random.pick(statusWeights),
                currentBalance: Double(5_000 + random.next() % 1_500_000) / 100, assignedTo: assigned,
                creditor: random.pick(creditors),
                lastWorkedAt: chance(70) ? stamp(today - Double(random.next() % 60) * 86_400 + 40_000) : nil,
                lastPaymentAmount: paid ? Double(2_000 + random.next() % 50_000) / 100 : nil,
                lastPaymentAt: paid ? stamp(paidAt + 50_000) : nil, state: random.pick(usStates),
                declinedTransactions: chance(80) ? 0 : Int(1 + random.next() % 3),
                email: (first + "." + last).lowercased().replacingOccurrences(of: "'", with: "") + "\(index)@mail.example",
                phone: String(format: "555-%03d-%04d", 100 + index % 800, (index * 7) % 10_000),
                paymentsCreditedTo: paid ? assigned : nil, pendingPaymentAmount: pending,
                pendingPaymentsCreditedTo: pending > 0 ? assigned : nil))
        }

        return [.putStaff(staff), .putTemplates(templates), .putClients(clients), .putPatients(patients),
                .putRecords(records), .putBilling(bills), .putAppointments(appointments), .putAccounts(accounts)]
    }
}
