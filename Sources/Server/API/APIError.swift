import Orchestrator
import Transport

/// An error as the API answers it: status, code, message and details, in the one shape of API.md.
public struct APIError: Error, Sendable {
    public var status: Int
    public var code: String
    public var message: String
    public var details: [String: JSONValue]
    public var headers: [(String, String)] = []

    public init(status: Int, code: String, message: String, details: [String: JSONValue] = [:]) {
        self.status = status
        self.code = code
        self.message = message
        self.details = details
    }

    public static func badRequest(_ message: String, _ details: [String: JSONValue] = [:]) -> APIError {
        APIError(status: 400, code: "bad_request", message: message, details: details)
    }
    public static let unauthorized = APIError(status: 401, code: "unauthorized", message: "a valid bearer token is required")
    public static func forbidden(_ message: String) -> APIError { APIError(status: 403, code: "forbidden", message: message) }
    public static func notFound(_ message: String) -> APIError { APIError(status: 404, code: "not_found", message: message) }
    public static func validation(_ message: String, _ details: [String: JSONValue] = [:]) -> APIError {
        APIError(status: 422, code: "validation_failed", message: message, details: details)
    }

    /// The one place where engine error codes become HTTP statuses.
    public init(_ error: JobError) {
        let status: Int = switch error.code {
        case .badRequest: 400
        case .forbidden: 403
        case .notFound: 404
        case .conflict, .invalidTransition: 409
        case .validationFailed, .limitExceeded, .confirmationRequired: 422
        case .shuttingDown: 503
        case .internalError: 500
        }
        self.init(status: status, code: error.code.rawValue, message: error.message, details: error.details)
    }

    public var response: HTTPResponse {
        struct Body: Encodable {
            struct Inner: Encodable { var code: String; var message: String; var details: [String: JSONValue] }
            var error: Inner
        }
        var response = HTTPResponse(status: status, headers: ["Content-Type": "application/json; charset=utf-8"],
                                    body: APIJSON.encode(Body(error: .init(code: code, message: message, details: details))))
        for (name, value) in headers { response.headers.add(name: name, value: value) }
        return response
    }
}
