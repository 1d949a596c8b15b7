import Foundation

// The BulkOps load harness: drives a real `bulkops serve` over HTTP and WebSocket with the project's own clients.
//
//   swift run -c release bulkops-bench <scenario> [options] [--json FILE]
//   swift run -c release bulkops-bench --compare A.json B.json

let usage = """
usage: bulkops-bench <scenario> [options] [--json FILE] [--quiet] [--keep-data]
       bulkops-bench --compare A.json B.json

scenarios:
\(BenchCommand.scenarios.map { "  " + $0.name + String(repeating: " ", count: max(1, 12 - $0.name.count)) + $0.summary }
    .joined(separator: "\n"))

options of every scenario:
  --server-binary PATH   the bulkops to start (default: bulkops beside this executable)
  --url http://H:P --token T
                         measure a running server instead (it needs --bench-data and --limits to match the
                         scenario; the recovery scenario and /proc figures need a local server)
  --max-seconds S        stop every loop after S seconds in all (default 115)
  --json FILE            write every figure, check and the environment as JSON

scenario options (defaults shown):
\(BenchCommand.scenarios.map(\.usage).joined(separator: "\n"))
"""

exit(await BenchCommand.main(Array(CommandLine.arguments.dropFirst()), usage: usage))
