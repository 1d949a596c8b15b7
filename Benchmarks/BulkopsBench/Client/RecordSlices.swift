import Glibc

/// Disjoint slices of the bench data set (`serve --bench-data N`), one per job, selected by a filter on the record
/// date rather than by explicit ids.
///
/// Why a filter: the job object carries its selection, so an `ids` selection of 25,000 ids puts ~400 KB into every
/// create answer, `GET /v1/jobs/{id}` and stream event of that job. `--selection ids` measures exactly that.
///
/// Bench record `i` is dated `base + (i mod 10,000) × 600 s`, so a window of dates selects the same share of every
/// block of 10,000 records. With `perDate` records per date value (N = 10,000 × perDate), slice `s` is the date
/// values `[s × width, (s + 1) × width)`: `width × perDate` draft records, disjoint from every other slice.
struct RecordSlices: Sendable {
    static let dateValues = 10_000
    static let baseSeconds: Int64 = 1_790_000_000
    static let stepSeconds: Int64 = 600

    let slices: Int
    let perDate: Int
    let width: Int
    let byIds: Bool

    /// Enough records for `slices` slices of at least `items` items each.
    init(slices: Int, items: Int, byIds: Bool = false) {
        self.slices = max(1, slices)
        self.byIds = byIds
        var perDate = max(1, (self.slices * max(1, items) + Self.dateValues - 1) / Self.dateValues)
        while self.slices * ((max(1, items) + perDate - 1) / perDate) > Self.dateValues { perDate += 1 }
        self.perDate = perDate
        width = (max(1, items) + perDate - 1) / perDate
    }

    /// Records to seed with `--bench-data`.
    var records: Int { perDate * Self.dateValues }

    /// Items in each slice (at least the number asked for).
    var itemsPerSlice: Int { width * perDate }

    /// The `selection` object of slice `index`.
    func selection(_ index: Int) -> [String: Any] {
        let first = index * width
        let last = first + width - 1
        if byIds {
            var ids: [String] = []
            ids.reserveCapacity(itemsPerSlice)
            for block in 0..<perDate {
                for value in first...last { ids.append(Self.recordId(block * Self.dateValues + value)) }
            }
            return ["entity": "records", "ids": ids]
        }
        return ["entity": "records",
                "filter": ["status": "draft", "from": Self.date(ofValue: first), "to": Self.date(ofValue: last)]]
    }

    /// The ids of slice `index`, in no particular order.
    func itemIds(_ index: Int) -> [String] {
        let first = index * width
        var ids: [String] = []
        for block in 0..<perDate {
            for value in first..<(first + width) { ids.append(Self.recordId(block * Self.dateValues + value)) }
        }
        return ids
    }

    static func recordId(_ index: Int) -> String {
        let digits = String(index)
        return "rec_b" + String(repeating: "0", count: max(0, 7 - digits.count)) + digits
    }

    /// The date of bench records with `i mod 10,000 == value`, exactly as the server writes it (the filter compares
    /// strings).
    static func date(ofValue value: Int) -> String {
        var time = time_t(baseSeconds + Int64(value) * stepSeconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        func two(_ number: Int32) -> String { number < 10 ? "0\(number)" : "\(number)" }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T\(two(parts.tm_hour)):"
            + "\(two(parts.tm_min)):\(two(parts.tm_sec)).000000Z"
    }

    /// The create body for slice `index` of records.setStatus → finalized.
    func createBody(_ index: Int, chunkSize: Int? = nil, maxItemsPerSecond: Double? = nil) -> [UInt8] {
        var body: [String: Any] = ["kind": "records.setStatus", "selection": selection(index),
                                   "params": ["to": "finalized"], "confirm": "FINALIZE"]
        if let chunkSize { body["chunkSize"] = chunkSize }
        if let maxItemsPerSecond { body["maxItemsPerSecond"] = maxItemsPerSecond }
        return APIClient.body(body)
    }
}
