import Foundation
import Glibc
import Synchronization

/// The one-line "what is happening" display on standard error: rewritten in place on a terminal, and at most every
/// few seconds as plain lines otherwise (so logs of CI runs stay short). Standard output carries only results.
final class ProgressLine: Sendable {
    private struct State {
        var lastPrinted: Double = 0
        var shown = false
    }

    private let isTerminal = isatty(2) != 0
    private let quiet: Bool
    private let state = Mutex(State())

    init(quiet: Bool) {
        self.quiet = quiet
    }

    func update(_ text: String) {
        guard !quiet else { return }
        let now = WallClock.seconds()
        let line: String? = state.withLock { state in
            if isTerminal {
                guard now - state.lastPrinted >= 0.1 else { return nil }
                state.lastPrinted = now
                state.shown = true
                return "\r\u{1B}[K" + String(text.prefix(150))
            }
            guard now - state.lastPrinted >= 5 else { return nil }
            state.lastPrinted = now
            return "… " + text + "\n"
        }
        if let line { FileHandle.standardError.write(Data(line.utf8)) }
    }

    /// A line that must be seen (a phase starting, a warning); clears the in-place line first.
    func say(_ text: String) {
        guard !quiet else { return }
        clear()
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    func clear() {
        let wasShown = state.withLock { state in
            defer { state.shown = false }
            return state.shown
        }
        if wasShown && isTerminal { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }
}
