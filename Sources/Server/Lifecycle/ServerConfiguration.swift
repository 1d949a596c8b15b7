import Foundation
import Jobs

/// Everything `bulkops serve` can be told, from flags and `BULKOPS_*` environment variables (flags win).
public struct ServerConfiguration: Sendable {
    public var host = "127.0.0.1"
    public var port = 8080
    public var dataDirectory = "./bulkops-data"
    /// Fill an empty store with the demo practice.
    public var demo = false
    /// Add this many plain draft records (`rec_b0000000`…) for load tests.
    public var benchRecords = 0
    /// Serve `/v1/echo` for WebSocket conformance tests.
    public var webSocketEcho = false
    public var limits = SelectionLimits()
    /// The statuses `accounts.setStatus` accepts.
    public var accountStatuses = AccountStatuses()
    /// Soft-deleted rows are purged for good this many days after their deletion (checked at start and hourly).
    public var purgeAfterDays: Double = 90
    public var maxConcurrentJobs = 4
    /// Browser origins allowed on the stream besides the server's own.
    public var allowedOrigins: [String] = []

    public init() {}

    public static let usage = """
    usage: bulkops serve [--host H] [--port P] [--data DIR] [--demo] [--bench-data N] [--websocket-echo]
                         [--limits records=1000,appointments=500] [--max-concurrent-jobs N] [--allow-origin URL]
                         [--account-statuses new,active,…] [--purge-after-days 90]
    env: BULKOPS_HOST, BULKOPS_PORT, BULKOPS_DATA, BULKOPS_LIMITS, BULKOPS_ACCOUNT_STATUSES, BULKOPS_PURGE_AFTER_DAYS
    """

    /// Reads `arguments` (after `serve`) over `environment`; throws a one-line message on bad input.
    public static func parse(_ arguments: [String], environment: [String: String]) throws -> ServerConfiguration {
        var configuration = ServerConfiguration()
        if let host = environment["BULKOPS_HOST"], !host.isEmpty { configuration.host = host }
        if let port = environment["BULKOPS_PORT"], !port.isEmpty { configuration.port = try parsePort(port) }
        if let data = environment["BULKOPS_DATA"], !data.isEmpty { configuration.dataDirectory = data }
        if let limits = environment["BULKOPS_LIMITS"], !limits.isEmpty { try configuration.limits.apply(limits) }
        if let statuses = environment["BULKOPS_ACCOUNT_STATUSES"], !statuses.isEmpty {
            configuration.accountStatuses = try parseStatuses(statuses)
        }
        if let days = environment["BULKOPS_PURGE_AFTER_DAYS"], !days.isEmpty { configuration.purgeAfterDays = try parseDays(days) }
        var index = 0
        func value(_ flag: String) throws -> String {
            index += 1
            guard index < arguments.count else { throw CommandLineError("\(flag) needs a value") }
            return arguments[index]
        }
        while index < arguments.count {
            let argument = arguments[index]
            switch argument {
            case "--host": configuration.host = try value(argument)
            case "--port": configuration.port = try parsePort(try value(argument))
            case "--data": configuration.dataDirectory = try value(argument)
            case "--demo": configuration.demo = true
            case "--websocket-echo": configuration.webSocketEcho = true
            case "--bench-data":
                guard let count = Int(try value(argument)), count >= 0, count <= 10_000_000 else {
                    throw CommandLineError("--bench-data needs a count from 0 to 10000000")
                }
                configuration.benchRecords = count
            case "--limits": try configuration.limits.apply(try value(argument))
            case "--max-concurrent-jobs":
                guard let count = Int(try value(argument)), count >= 1, count <= 256 else {
                    throw CommandLineError("--max-concurrent-jobs needs a number from 1 to 256")
                }
                configuration.maxConcurrentJobs = count
            case "--allow-origin": configuration.allowedOrigins.append(try value(argument))
            case "--account-statuses": configuration.accountStatuses = try parseStatuses(try value(argument))
            case "--purge-after-days": configuration.purgeAfterDays = try parseDays(try value(argument))
            case "-h", "--help": throw CommandLineError(usage)
            default: throw CommandLineError("unknown option \(argument)\n\(usage)")
            }
            index += 1
        }
        return configuration
    }

    private static func parseStatuses(_ text: String) throws -> AccountStatuses {
        guard let statuses = AccountStatuses.parse(text) else { throw CommandLineError("account statuses must be a comma-separated list") }
        return statuses
    }

    private static func parseDays(_ text: String) throws -> Double {
        guard let days = Double(text), days >= 0, days <= 36_500 else {
            throw CommandLineError("--purge-after-days needs a number of days from 0 to 36500")
        }
        return days
    }

    private static func parsePort(_ text: String) throws -> Int {
        guard let port = Int(text), (0...65_535).contains(port) else { throw CommandLineError("port must be 0 to 65535, not \(text)") }
        return port
    }
}
