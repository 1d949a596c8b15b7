/// An engine error with the API's code, so one place in the server maps it to a status.
public struct JobError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The API error codes the engine can produce.
    public enum Code: String, Sendable, Equatable {
        case badRequest = "bad_request"
        case forbidden
        case notFound = "not_found"
        case conflict
        case invalidTransition = "invalid_transition"
        case validationFailed = "validation_failed"
        case limitExceeded = "limit_exceeded"
        case confirmationRequired = "confirmation_required"
        case shuttingDown = "shutting_down"
        case internalError = "internal_error"
    }

    public var code: Code
    public var message: String
    public var details: [String: JSONValue]

    public init(_ code: Code, _ message: String, details: [String: JSONValue] = [:]) {
        self.code = code
        self.message = message
        self.details = details
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
