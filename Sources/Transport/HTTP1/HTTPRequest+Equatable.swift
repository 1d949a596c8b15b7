/// Field-by-field equality (the version tuple keeps the compiler from deriving it), so tests
/// and callers can compare requests directly.
extension HTTPRequest: Equatable {
    public static func == (left: HTTPRequest, right: HTTPRequest) -> Bool {
        left.method == right.method && left.target == right.target && left.version == right.version
            && left.headers == right.headers && left.body == right.body && left.remoteAddress == right.remoteAddress
    }
}
