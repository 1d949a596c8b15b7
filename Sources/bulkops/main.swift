import Foundation
import Server

exit(await BulkOpsCommand.run(Array(CommandLine.arguments.dropFirst())))
