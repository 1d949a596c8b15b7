/// A mistake on the command line or a failed command: printed as one line, exit status 1 (2 for usage).
public struct CommandLineError: Error, CustomStringConvertible {
    public var description: String
    public var exitCode: Int32
    /// The HTTP status the server answered with, when the failure is the server's answer rather than the network's:
    /// `watch` keeps reconnecting through network failures and 5xx, but stops on 401, 403 or 404.
    public var status: Int?

    public init(_ description: String, exitCode: Int32 = 2, status: Int? = nil) {
        self.description = description
        self.exitCode = exitCode
        self.status = status
    }
}
