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
    public static let unauthorized: APIError = {
        var error = APIError(status: 401, code: "unauthorized", message: "a valid bearer token is required")
        error.headers = [("WWW-Authenticate", "Bearer")]
        return error
    }()
    public static func forbidden(_ message: String) -> APIError { APIError(status: 403, code: "forbidden", message: message) }
    public static func notFound(_ message: String) -> APIError { APIError(status: 404, code: "not_found", message: message) }
    /// 429 with `Retry-After` in whole seconds (at least 1), as HTTP wants it.
    public static func rateLimited(retryAfter: Duration, rate: Double) -> APIError {
        let seconds = max(1, Int((Double(retryAfter.components.seconds)
                                  + Double(retryAfter.components.attoseconds) / 1e18).rounded(.up)))
        let shown = rate.rounded() == rate ? String(Int(rate)) : String(rate)
        var error = APIError(status: 429, code: "rate_limited",
                             message: "too many requests; at most \(shown) per second per token",
                             details: ["retryAfterSeconds": .number(Double(seconds)), "ratePerSecond": .number(rate)])
        error.headers = [("Retry-After", String(seconds))]
        return error
    }
    /// 413 for a body over the API's limit.
    public static func payloadTooLarge(size: Int, limit: Int) -> APIError {
        APIError(status: 413, code: "payload_too_large", message: "the body has \(size) bytes; the limit is \(limit)",
                 details: ["limit": .number(Double(limit)), "size": .number(Double(size))])
    }
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

    /// The API-shaped body of a refusal the transport makes before a request reaches the router.
    public static func refusal(status: Int) -> APIError {
        let (code, message): (String, String) = switch status {
        case 400: ("bad_request", "the request is not valid HTTP/1.1")
        case 408: ("request_timeout", "the request was not received in time")
        case 413: ("payload_too_large", "the request body is too large")
        case 414: ("uri_too_long", "the request line is too long")
        case 426: ("upgrade_required", "only WebSocket version 13 is supported")
        case 431: ("request_header_fields_too_large", "the request headers are too large or too many")
        case 501: ("not_implemented", "this transfer coding or method is not implemented")
        case 503: ("shutting_down", "the server is shutting down")
        case 505: ("http_version_not_supported", "only HTTP/1.1 and HTTP/1.0 are supported")
        default: ("bad_request", HTTPResponse.reasonPhrase(for: status))
        }
        return APIError(status: status, code: code, message: message)
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
