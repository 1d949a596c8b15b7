/// The words after a subcommand, split into positionals, `--name value` options and bare `--flag`s. Options may
/// come anywhere (`--name=value` works too); an unknown option is a usage error, so a typo never goes unnoticed.
struct CommandArguments {
    private(set) var positionals: [String] = []
    private var values: [String: String] = [:]
    private var flags: Set<String> = []

    /// - Parameters:
    ///   - valued: options that take a value, without the dashes.
    ///   - flags: options that take none.
    init(_ arguments: [String], valued: Set<String>, flags known: Set<String>) throws {
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            guard argument.hasPrefix("--"), argument.count > 2 else {
                positionals.append(argument)
                continue
            }
            var name = String(argument.dropFirst(2))
            var inline: String?
            if let equals = name.firstIndex(of: "=") {
                inline = String(name[name.index(after: equals)...])
                name = String(name[..<equals])
            }
            if known.contains(name), inline == nil {
                flags.insert(name)
            } else if valued.contains(name) {
                if let inline {
                    values[name] = inline
                } else {
                    guard index < arguments.count else { throw CommandLineError("--\(name) needs a value") }
                    values[name] = arguments[index]
                    index += 1
                }
            } else {
                throw CommandLineError("unknown option --\(name)")
            }
        }
    }

    subscript(option: String) -> String? { values[option] }

    func has(_ flag: String) -> Bool { flags.contains(flag) }

    /// The positional at `index`, or a usage error naming what is missing.
    func positional(_ index: Int, _ what: String) throws -> String {
        guard index < positionals.count else { throw CommandLineError("missing \(what)") }
        return positionals[index]
    }

    /// Fails when more positionals were given than the command takes.
    func expectPositionals(atMost count: Int, hint: String) throws {
        if positionals.count > count {
            throw CommandLineError("unexpected argument \(positionals[count]); \(hint)")
        }
    }
}
