/// A mistake on the command line or a failed command: printed as one line, exit status 1 (2 for usage).
public struct CommandLineError: Error, CustomStringConvertible {
    public var description: String
    public var exitCode: Int32

    public init(_ description: String, exitCode: Int32 = 2) {
        self.description = description
        self.exitCode = exitCode
    }
}
