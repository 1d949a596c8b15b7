import Foundation
import Orchestrator

/// `bulkops tokens create|list|revoke`: admins manage bearer tokens over the HTTP API.
enum TokensCommand {
    static let hint = "run `bulkops tokens help`"
    static let usage = """
    usage: bulkops tokens create --role staff|manager|admin --name NAME
           bulkops tokens list
           bulkops tokens revoke ID
    options: --url URL (BULKOPS_URL, default \(ServerEndpoint.defaultURL)), --token T (BULKOPS_TOKEN), --json
    """

    static func run(_ words: [String], environment: [String: String]) async throws -> Int32 {
        guard let action = words.first else { throw CommandLineError("missing a tokens command; \(hint)") }
        if ["help", "-h", "--help"].contains(action) {
            Terminal.line(usage)
            return 0
        }
        let arguments = try CommandArguments(Array(words.dropFirst()), valued: ["url", "token", "role", "name"],
                                             flags: ["json"])
        let client = try APIClient(arguments, environment: environment)
        let json = arguments.has("json")
        switch action {
        case "create":
            try arguments.expectPositionals(atMost: 0, hint: hint)
            guard let role = arguments["role"] else { throw CommandLineError("tokens create needs --role; \(hint)") }
            guard let name = arguments["name"] else { throw CommandLineError("tokens create needs --name; \(hint)") }
            let body: JSONValue = ["name": .string(name), "role": .string(role)]
            let reply = try await client.send("POST", "/v1/tokens", body: body)
            if json {
                Terminal.raw(reply.body)
            } else {
                let token = reply.json
                var table = TextTable(["ID", "NAME", "ROLE"])
                table.add([token["id"]?.stringValue ?? "?", token["name"]?.stringValue ?? "?",
                           token["role"]?.stringValue ?? "?"])
                Terminal.line(table.render())
                Terminal.line("token: \(token["token"]?.stringValue ?? "?")")
                Terminal.line("(shown only this once; keep it somewhere safe)")
            }
            return 0
        case "list":
            try arguments.expectPositionals(atMost: 0, hint: hint)
            let reply = try await client.send("GET", "/v1/tokens?limit=1000")
            if json {
                Terminal.raw(reply.body)
                return 0
            }
            var table = TextTable(["ID", "NAME", "ROLE", "CREATED"])
            for token in reply.json["items"]?.arrayValue ?? [] {
                table.add([token["id"]?.stringValue ?? "?", token["name"]?.stringValue ?? "?",
                           token["role"]?.stringValue ?? "?", token["createdAt"]?.stringValue ?? ""])
            }
            Terminal.line(table.render())
            return 0
        case "revoke":
            try arguments.expectPositionals(atMost: 1, hint: hint)
            let id = try arguments.positional(0, "token id; run `bulkops tokens help`")
            let target = "/v1/tokens/" + JobsCommand.escape(id)
            let reply = try await client.send("DELETE", target, notFound: "token \(id)")
            if json { Terminal.raw(reply.body.isEmpty ? Array("{}".utf8) : reply.body) } else {
                Terminal.line("revoked \(id)")
            }
            return 0
        default:
            throw CommandLineError("unknown tokens command \(action); run `bulkops tokens help`")
        }
    }
}
