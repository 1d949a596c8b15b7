import Foundation
import Orchestrator

/// A plain data set for load tests and benchmarks: `count` draft records spread over a few vets, deterministic.
public enum BenchData {
    public static func recordId(_ index: Int) -> String {
        let digits = String(index)
        return "rec_b" + String(repeating: "0", count: max(0, 7 - digits.count)) + digits
    }

    /// Adds the records the store does not have yet, in batches, and returns how many it added.
    @discardableResult
    public static func seed(records count: Int, into store: PracticeStore, batchSize: Int = 20_000) async throws -> Int {
        let missing = await store.read { state in (0..<count).filter { state.records[recordId($0)] == nil } }
        var added = 0
        var batch: [MedicalRecord] = []
        let base = Date(timeIntervalSince1970: 1_790_000_000)
        for index in missing {
            let id = recordId(index)
            batch.append(MedicalRecord(id: id, patientId: "pat_b\(index % 5_000)", vetId: "vet_b\(index % 5)",
                                       date: Timestamp.string(base.addingTimeInterval(Double(index % 10_000) * 600)),
                                       template: "bench", status: .draft))
            if batch.count == batchSize {
                try await store.commit([.putRecords(batch)])
                added += batch.count
                batch.removeAll(keepingCapacity: true)
            }
        }
        if !batch.isEmpty {
            try await store.commit([.putRecords(batch)])
            added += batch.count
        }
        return added
    }
}
