/// A run that cannot go on: printed as one line, exit status 1 (2 for a usage mistake).
struct BenchError: Error, CustomStringConvertible {
    var description: String
    var exitCode: Int32

    init(_ description: String, exitCode: Int32 = 1) {
        self.description = description
        self.exitCode = exitCode
    }
}
