import Orchestrator
import Testing

@Suite("ItemLockTable and JobProgress")
struct ItemLockTableTests {
    @Test("conflicts list holders then waiters, a bounded sample and the full count", arguments: [1, 3, 100])
    func conflictSample(sampleLimit: Int) {
        var table = ItemLockTable(sampleLimit: sampleLimit)
        let acquired = table.acquire("a", items: ["1", "2", "3", "4"])
        #expect(acquired)
        table.wait("b", items: ["4", "5", "6"])
        let conflict = table.conflict(for: ["0", "6", "1", "2", "5", "9"])
        #expect(conflict?.jobs == ["b", "a"], "first-seen order")
        #expect(conflict?.count == 4)
        #expect(conflict?.items == Array(["6", "1", "2", "5"].prefix(sampleLimit)))
        #expect(table.conflict(for: ["7", "8"]) == nil)
        #expect(table.conflict(for: ["1"], ignoring: "a") == nil)
    }

    @Test("acquire is all or nothing; release admits waiters in FIFO order without overtaking")
    func fifoRelease() {
        var table = ItemLockTable()
        let first = table.acquire("a", items: ["x", "y"])
        let second = table.acquire("b", items: ["y", "z"])
        #expect(first && !second)
        #expect(table.holder(of: "z") == nil, "a refused acquire takes nothing")
        table.wait("b", items: ["y", "z"])
        table.wait("c", items: ["z"])
        table.wait("d", items: ["w"])
        #expect(table.isWaiting("b") && table.isWaiting("c") && table.isWaiting("d"))
        // d waits for nothing held: it is admitted on the next release; c must not overtake b on z
        let afterA = table.release("a")
        #expect(afterA == ["b", "d"])
        #expect(table.holds("b") && table.holds("d") && !table.holds("c"))
        #expect(table.holder(of: "z") == "b")
        let afterB = table.release("b")
        #expect(afterB == ["c"])
        #expect(table.holder(of: "z") == "c")
        #expect(table.holder(of: "x") == nil)
        // releasing a waiter that never held anything just removes it
        table.wait("e", items: ["z"])
        let afterE = table.release("e")
        #expect(afterE.isEmpty)
        #expect(!table.isWaiting("e"))
    }

    @Test("restore takes the items without a check (recovery)")
    func restore() {
        var table = ItemLockTable()
        table.restore("r", items: ["1", "2"])
        #expect(table.holds("r"))
        let taken = table.acquire("n", items: ["2"])
        #expect(!taken)
        #expect(table.conflict(for: ["2"])?.jobs == ["r"])
    }

    @Test("progress percent and ETA", arguments: [
        (1200, 600, 100.0, 50.0, 6.0 as Double?),
        (1200, 1200, 0.0, 100.0, 0.0 as Double?),
        (3, 1, 0.0, 33.3, nil as Double?),
        (0, 0, 0.0, 100.0, 0.0 as Double?),
    ])
    func progress(total: Int, processed: Int, rate: Double, percent: Double, eta: Double?) {
        let progress = JobProgress(total: total, processed: processed, succeeded: processed, itemsPerSecond: rate)
        #expect(progress.percent == percent)
        #expect(progress.etaSeconds == eta)
    }
}
