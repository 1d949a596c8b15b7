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
    /// Requests per second each token regains (`--rate-limit`); 0 turns the limit off. Default 200.
    public var rateLimit: Double = 200
    /// Requests a token may make at once (`--rate-limit-burst`). Default 400; `--rate-limit N` alone makes it 2N.
    public var rateLimitBurst = 400
    /// Largest request body the API reads (`--max-body-bytes`); larger ones answer 413 `payload_too_large`.
    /// Default 1 MiB, far above any create body (a 1,000-id selection is about 15 KB).
    public var maxRequestBodyBytes = 1024 * 1024
    /// Seconds between SIGTERM and stopping (`--drain-seconds`): reads are still served, changes answer 503,
    /// so a load balancer can take the server out of rotation. Default 0.
    public var drainSeconds: Double = 0
    /// Seconds a stream client may stay above the outbound high-water mark before it is closed with 1008
    /// (`--stream-stall-timeout`). Default 10.
    public var streamStallTimeout: Double = 10
    /// Outbound bytes above which a stream stops sending and collapses that client's progress
    /// (`--stream-high-water`). Default 256 KiB.
    public var streamHighWaterBytes = 256 * 1024
    /// The kernel send buffer of each connection (`--socket-send-buffer`); nil keeps the system default. A small
    /// one makes stalled stream readers reach the high-water mark (and 1008) sooner. Default nil.
    public var socketSendBufferBytes: Int?
    /// Connections held at once (`--max-connections`); the open-file limit is raised to fit. Default 20,000.
    public var maxConnections = 20_000

    public init() {}

    public static let usage = """
    usage: bulkops serve [--host H] [--port P] [--data DIR] [--demo] [--bench-data N] [--websocket-echo]
                         [--limits records=1000,appointments=500] [--max-concurrent-jobs N] [--allow-origin URL]
                         [--rate-limit N] [--rate-limit-burst N] [--max-body-bytes N] [--drain-seconds S]
                         [--stream-stall-timeout S] [--stream-high-water BYTES] [--socket-send-buffer BYTES]
                         [--max-connections N] [--account-statuses new,active,…] [--purge-after-days 90]
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
        var burstGiven = false
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
            case "--rate-limit":
                configuration.rateLimit = try number(try value(argument), argument, in: 0...1_000_000)
                if !burstGiven {
                    configuration.rateLimitBurst = max(1, Int((configuration.rateLimit * 2).rounded(.up)))
                }
            case "--rate-limit-burst":
                configuration.rateLimitBurst = Int(try number(try value(argument), argument, in: 1...10_000_000))
                burstGiven = true
            case "--max-body-bytes":
                configuration.maxRequestBodyBytes = try bytes(try value(argument), argument)
            case "--drain-seconds":
                configuration.drainSeconds = try number(try value(argument), argument, in: 0...600)
            case "--stream-stall-timeout":
                configuration.streamStallTimeout = try number(try value(argument), argument, in: 0.1...3_600)
            case "--stream-high-water":
                configuration.streamHighWaterBytes = try bytes(try value(argument), argument)
            case "--max-connections":
                guard let count = Int(try value(argument)), (1...1_000_000).contains(count) else {
                    throw CommandLineError("--max-connections needs a number from 1 to 1000000")
                }
                configuration.maxConnections = count
            case "--socket-send-buffer":
                configuration.socketSendBufferBytes = try bytes(try value(argument), argument)
            case "--account-statuses": configuration.accountStatuses = try parseStatuses(try value(argument))
            case "--purge-after-days": configuration.purgeAfterDays = try parseDays(try value(argument))
            case "-h", "--help": throw CommandLineError(usage)
            default: throw CommandLineError("unknown option \(argument)\n\(usage)")
            }
            index += 1
        }
        return configuration
    }

    private static func number(_ text: String, _ flag: String, in range: ClosedRange<Double>) throws -> Double {
        guard let value = Double(text), value.isFinite, range.contains(value) else {
            let lower = range.lowerBound
            let low = lower.rounded() == lower ? String(Int(lower)) : String(lower)
            throw CommandLineError("\(flag) needs a number from \(low) to \(Int(range.upperBound)), not \(text)")
        }
        return value
    }

    private static func bytes(_ text: String, _ flag: String) throws -> Int {
        Int(try number(text, flag, in: 1_024...1_073_741_824))

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
