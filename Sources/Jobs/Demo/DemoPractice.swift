import Foundation
import Orchestrator

/// The demo practice `serve --demo` creates on an empty store: vets, patients and their medical records (many of
/// them drafts), deterministic from `seed` so that tests can rely on it.
public enum DemoPractice {
    public static let vets = ["vet_chen", "vet_wilson", "vet_patel", "vet_garcia", "vet_okafor"]
    public static let recordCount = 3_000

    @discardableResult
    public static func seed(into store: PracticeStore, seed: UInt64 = 2026, now: Date = Date()) async throws -> Int {
        var random = SeededRandom(seed: seed)
        let templates = ["wellness", "dental", "surgery", "vaccination", "follow-up"]
        let assessments = ["Healthy", "Mild otitis externa", "Grade 2 dental disease", "Post-operative, healing well",
                           "Overweight; diet plan", "Allergic dermatitis"]
        var records: [MedicalRecord] = []
        for index in 0..<recordCount {
            let daysAgo = Double(random.next() % 90)
            let date = now.addingTimeInterval(-daysAgo * 86_400 - Double(random.next() % 28_800))
            let roll = random.next() % 10
            let status: MedicalRecord.Status = roll < 4 ? .draft : (roll < 9 ? .finalized : .archived)
            let template = random.pick(templates)
            records.append(MedicalRecord(
                id: String(format: "rec_%05d", index + 1), patientId: String(format: "pat_%04d", Int(random.next() % 1_200) + 1),
                vetId: random.pick(vets), date: Timestamp.string(date), template: template, status: status,
                tags: roll == 0 ? ["follow-up"] : [], subjective: "Owner reports \(template) visit.",
                objective: "T 38.\(random.next() % 9) °C, HR \(80 + random.next() % 60)",
                assessment: random.pick(assessments), plan: "Recheck in \(2 + random.next() % 10) weeks",
                billed: status != .draft && random.next() % 2 == 0))
        }
        try await store.commit([.putRecords(records)])
        return records.count
    }
}
