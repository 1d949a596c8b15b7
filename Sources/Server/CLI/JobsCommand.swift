import Foundation
import Orchestrator

/// `bulkops jobs list|show|watch|pause|resume|cancel|retry-failed`: staff operations on jobs over the HTTP API.
enum JobsCommand {
    static let hint = "run `bulkops jobs help`"
    static let usage = """
    usage: bulkops jobs list [--state s1,s2] [--kind k] [--limit N] [--cursor C]
           bulkops jobs show ID
           bulkops jobs watch [ID] [--give-up-after S]
                                            live progress of one job, or of every job until Ctrl-C; when the
                                            stream is lost it reconnects (waits from 0.25 s doubling to 5 s) and
                                            replays what it missed; it stops with exit status 1 on 401/403, when
                                            the job is gone (404), or after S seconds without a connection
                                            (default 60; 0 does not reconnect)
           bulkops jobs pause|resume|cancel ID
           bulkops jobs retry-failed ID     a new job over exactly the failed items of ID
    options: --url URL (BULKOPS_URL, default \(ServerEndpoint.defaultURL)), --token T (BULKOPS_TOKEN), --json
    """

    static func run(_ words: [String], environment: [String: String]) async throws -> Int32 {
        guard let action = words.first else { throw CommandLineError("missing a jobs command; \(hint)") }
        if ["help", "-h", "--help"].contains(action) {
            Terminal.line(usage)
            return 0
        }
        var valued: Set<String> = ["url", "token", "state", "kind", "limit", "cursor"]
        // why: only watch reconnects, so only watch takes the option; elsewhere it stays a usage error
        if action == "watch" { valued.insert("give-up-after") }
        let arguments = try CommandArguments(Array(words.dropFirst()), valued: valued, flags: ["json"])
        let client = try APIClient(arguments, environment: environment)
        let json = arguments.has("json")
        switch action {
        case "list":
            try arguments.expectPositionals(atMost: 0, hint: hint)
            return try await list(client, arguments, json: json)
        case "show":
            try arguments.expectPositionals(atMost: 1, hint: hint)
            let id = try arguments.positional(0, "job id; run `bulkops jobs help`")
            let reply = try await client.send("GET", "/v1/jobs/" + escape(id), notFound: "job \(id)")
            if json { Terminal.raw(reply.body) } else { Terminal.line(describe(reply.json)) }
            return 0
        case "pause", "resume", "cancel":
            try arguments.expectPositionals(atMost: 1, hint: hint)
            let id = try arguments.positional(0, "job id; run `bulkops jobs help`")
            let reply = try await client.send("POST", "/v1/jobs/\(escape(id))/\(action)", notFound: "job \(id)")
            if json { Terminal.raw(reply.body) } else {
                Terminal.line("\(id): \(reply.json["state"]?.stringValue ?? "?")")
            }
            return 0
        case "retry-failed":
            try arguments.expectPositionals(atMost: 1, hint: hint)
            let id = try arguments.positional(0, "job id; run `bulkops jobs help`")
            let reply = try await client.send("POST", "/v1/jobs/\(escape(id))/retry-failed", notFound: "job \(id)")
            if json { Terminal.raw(reply.body) } else {
                let job = reply.json
                let total = job["progress"]?["total"]?.intValue ?? 0
                Terminal.line("created \(job["id"]?.stringValue ?? "?") over \(total) failed items of \(id) "
                              + "(\(job["state"]?.stringValue ?? "?"))")
            }
            return 0
        case "watch":
            try arguments.expectPositionals(atMost: 1, hint: hint)
            var watch = WatchCommand(client: client, jobId: arguments.positionals.first, json: json)
            if let text = arguments["give-up-after"] {
                guard let seconds = Double(text), seconds.isFinite, (0...86_400).contains(seconds) else {
                    throw CommandLineError("--give-up-after takes seconds from 0 to 86400, not \(text)")
                }
                watch.policy.giveUpAfter = .milliseconds(Int((seconds * 1_000).rounded()))
            }
            return try await watch.run()
        default:
            throw CommandLineError("unknown jobs command \(action); run `bulkops jobs help`")
        }
    }

    private static func list(_ client: APIClient, _ arguments: CommandArguments, json: Bool) async throws -> Int32 {
        var query: [String] = []
        for name in ["state", "kind", "limit", "cursor"] {
            if let value = arguments[name] { query.append(name + "=" + escape(value)) }
        }
        let target = "/v1/jobs" + (query.isEmpty ? "" : "?" + query.joined(separator: "&"))
        let reply = try await client.send("GET", target)
        if json {
            Terminal.raw(reply.body)
            return 0
        }
        let page = reply.json
        let jobs = page["items"]?.arrayValue ?? []
        if jobs.isEmpty {
            Terminal.line("no jobs")
            return 0
        }
        var table = TextTable(["ID", "KIND", "STATE", "PROGRESS", "CREATED BY", "CREATED"])
        for job in jobs {
            let progress = job["progress"]
            let processed = progress?["processed"]?.intValue ?? 0
            let total = progress?["total"]?.intValue ?? 0
            let percent = String(format: "%.1f%%", progress?["percent"]?.doubleValue ?? 0)
            table.add([job["id"]?.stringValue ?? "?", job["kind"]?.stringValue ?? "?",
                       job["state"]?.stringValue ?? "?",
                       "\(processed)/\(total) \(percent)", job["createdBy"]?.stringValue ?? "",
                       job["createdAt"]?.stringValue ?? ""])
        }
        Terminal.line(table.render())
        if let next = page["nextCursor"]?.stringValue {
            Terminal.line("(\(jobs.count) of \(page["total"]?.intValue ?? 0) jobs; more with --cursor \(next))")
        }
        return 0
    }

    /// The job as a short block of labelled lines.
    static func describe(_ job: JSONValue) -> String {
        func text(_ value: JSONValue?) -> String {
            guard let value, !value.isNull else { return "-" }
            if let string = value.stringValue { return string }
            return String(decoding: APIJSON.encode(value), as: UTF8.self)
        }
        let progress = job["progress"]
        var lines = [
            "\(text(job["id"]))  \(text(job["kind"]))  \(text(job["state"]))",
            "  selection    \(text(job["selection"]))",
            "  params       \(text(job["params"]))",
            "  created      \(text(job["createdAt"])) by \(text(job["createdBy"]))",
            "  started      \(text(job["startedAt"]))",
            "  finished     \(text(job["finishedAt"]))",
        ]
        if let scheduled = job["scheduledFor"], !scheduled.isNull { lines.append("  scheduled    \(text(scheduled))") }
        lines.append("  progress     " + ProgressLine.summary(job))
        lines.append("  items        succeeded \(text(progress?["succeeded"]))  failed \(text(progress?["failed"]))  "
                     + "skipped \(text(progress?["skipped"]))")
        lines.append("  chunk size   \(text(job["chunkSize"]))")
        if let rate = job["maxItemsPerSecond"], !rate.isNull { lines.append("  throttle     \(text(rate)) items/s") }
        if let retry = job["retryOf"], !retry.isNull { lines.append("  retry of     \(text(retry))") }
        if let error = job["error"], !error.isNull { lines.append("  error        \(text(error))") }
        lines.append("  seq          \(text(job["seq"]))")
        return lines.joined(separator: "\n")
    }

    static func escape(_ text: String) -> String {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~,"))
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
