import Foundation

/// RFC 4180 quoting, plus a leading apostrophe for cells a spreadsheet would run as a formula.
enum CSVField {
    static func escape(_ value: String) -> String {
        var text = value
        if let first = text.first, "=+-@".contains(first) { text = "'" + text }
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
