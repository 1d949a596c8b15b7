/// The `--name value` options of one command line. Every option a scenario reads is remembered, so that an option
/// no scenario understands is reported instead of being silently ignored.
final class CommandArguments {
    /// Options that stand alone, without a value.
    static let flags: Set<String> = ["keep-data", "quiet", "help", "subscribe"]

    private(set) var positional: [String] = []
    private var values: [String: String] = [:]
    private var used: Set<String> = []

    init(_ arguments: [String]) throws(BenchError) {
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            if argument.hasPrefix("--") {
                let name = String(argument.dropFirst(2))
                if let equals = name.firstIndex(of: "=") {
                    values[String(name[..<equals])] = String(name[name.index(after: equals)...])
                } else if Self.flags.contains(name) {
                    values[name] = "true"
                } else {
                    index += 1
                    guard index < arguments.count else { throw BenchError("--\(name) needs a value", exitCode: 2) }
                    values[name] = arguments[index]
                }
            } else {
                positional.append(argument)
            }
            index += 1
        }
    }

    func has(_ name: String) -> Bool {
        used.insert(name)
        return values[name] != nil
    }

    func string(_ name: String) -> String? {
        used.insert(name)
        return values[name]
    }

    func string(_ name: String, default fallback: String) -> String { string(name) ?? fallback }

    func int(_ name: String, default fallback: Int, range: ClosedRange<Int> = 0...Int.max) throws(BenchError) -> Int {
        guard let text = string(name) else { return fallback }
        guard let value = Int(text.replacingOccurrences(of: "_", with: "")), range.contains(value) else {
            throw BenchError("--\(name) needs a whole number from \(range.lowerBound) to \(range.upperBound), "
                             + "not \(text)", exitCode: 2)
        }
        return value
    }

    func double(_ name: String, default fallback: Double,
                range: ClosedRange<Double> = 0...Double.greatestFiniteMagnitude) throws(BenchError) -> Double {
        guard let text = string(name) else { return fallback }
        guard let value = Double(text), range.contains(value) else {
            throw BenchError("--\(name) needs a number from \(range.lowerBound) to \(range.upperBound), not \(text)",
                             exitCode: 2)
        }
        return value
    }

    func flag(_ name: String) -> Bool { string(name) == "true" }

    /// Options given but read by nobody: typos, or options of another scenario.
    var unused: [String] { values.keys.filter { !used.contains($0) }.sorted() }

    /// Every option as given, for the report.
    var all: [String: String] { values }
}
