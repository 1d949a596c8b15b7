import Foundation
import Orchestrator
import Transport

/// A JSON request body read strictly: malformed JSON, a non-object, unknown fields or a field of the wrong type
/// answer 400 before anything changes.
struct RequestBody {
    let object: [String: JSONValue]

    init(_ request: HTTPRequest, allowed: Set<String>, emptyAllowed: Bool = false) throws(APIError) {
        if request.body.isEmpty, emptyAllowed {
            object = [:]
            return
        }
        let value: JSONValue
        do {
            value = try JSONDecoder().decode(JSONValue.self, from: Data(request.body))
        } catch {
            throw APIError.badRequest("the body is not valid JSON")
        }
        guard case .object(let object) = value else { throw APIError.badRequest("the body must be a JSON object") }
        if let unknown = object.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw APIError.badRequest("unknown field \"\(unknown)\"", ["field": .string(unknown),
                                      "allowed": .array(allowed.sorted().map { .string($0) })])
        }
        self.object = object
    }

    func string(_ key: String, required: Bool = false) throws(APIError) -> String? {
        guard let value = object[key], !value.isNull else {
            if required { throw APIError.badRequest("\"\(key)\" is required", ["field": .string(key)]) }
            return nil
        }
        guard let text = value.stringValue else { throw APIError.badRequest("\"\(key)\" must be a string", ["field": .string(key)]) }
        return text
    }

    func int(_ key: String) throws(APIError) -> Int? {
        guard let value = object[key], !value.isNull else { return nil }
        guard let number = value.intValue else {
            throw APIError.badRequest("\"\(key)\" must be a whole number", ["field": .string(key)])
        }
        return number
    }

    func double(_ key: String) throws(APIError) -> Double? {
        guard let value = object[key], !value.isNull else { return nil }
        guard let number = value.doubleValue else { throw APIError.badRequest("\"\(key)\" must be a number", ["field": .string(key)]) }
        return number
    }

    func date(_ key: String) throws(APIError) -> Date? {
        guard let text = try string(key) else { return nil }
        guard let date = Timestamp.parse(text) else {
            throw APIError.badRequest("\"\(key)\" must be an RFC 3339 time", ["field": .string(key)])
        }
        return date
    }
}
