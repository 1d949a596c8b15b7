import Foundation

/// The `bulkops` command line: `serve` runs the server; `jobs` and `tokens` talk to a running one.
public enum BulkOpsCommand {
    public static let usage = """
    usage: bulkops serve [options]            run the server (bulkops serve --help)
           bulkops jobs list|show|watch|pause|resume|cancel|retry-failed …
           bulkops tokens create|list|revoke …
           bulkops version
    """

    /// Runs the command in `arguments` (without the program name) and returns the exit status.
    public static func run(_ arguments: [String],
                           environment: [String: String] = ProcessInfo.processInfo.environment) async -> Int32 {
        guard let command = arguments.first else {
            FileHandle.standardError.write(Data((usage + "\n").utf8))
            return 2
        }
        let rest = Array(arguments.dropFirst())
        do {
            switch command {
            case "serve":
                return try await BulkOpsServer.run(try ServerConfiguration.parse(rest, environment: environment))
            case "jobs":
                return try await JobsCommand.run(rest, environment: environment)
            case "tokens":
                return try await TokensCommand.run(rest, environment: environment)
            case "version", "--version":
                print("bulkops \(BulkOpsServer.version)")
                return 0
            case "help", "-h", "--help":
                print(usage)
                return 0
            default:
                throw CommandLineError("unknown command \(command); run `bulkops help`")
            }
        } catch let error as CommandLineError {
            FileHandle.standardError.write(Data(("bulkops: \(error.description)\n").utf8))
            return error.exitCode
        } catch {
            FileHandle.standardError.write(Data(("bulkops: \(error)\n").utf8))
            return 1
        }
    }
}
