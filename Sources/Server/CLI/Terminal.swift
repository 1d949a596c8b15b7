import Foundation
import Glibc

/// Unbuffered standard output and error, and whether output is a terminal (live redraws) or a pipe (plain lines).
enum Terminal {
    static var isTTY: Bool { isatty(STDOUT_FILENO) == 1 }

    static func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    static func line(_ text: String) {
        write(text + "\n")
    }

    /// Writes the JSON body as the server sent it, ending in one newline.
    static func raw(_ body: [UInt8]) {
        var bytes = body
        if bytes.last != UInt8(ascii: "\n") { bytes.append(UInt8(ascii: "\n")) }
        FileHandle.standardOutput.write(Data(bytes))
    }
}
