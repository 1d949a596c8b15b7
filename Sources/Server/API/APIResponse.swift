import Transport

/// Builds the API's JSON responses.
enum APIResponse {
    static func json<T: Encodable>(_ value: T, status: Int = 200, headers: [(String, String)] = []) -> HTTPResponse {
        var response = HTTPResponse(status: status, headers: ["Content-Type": "application/json; charset=utf-8"],
                                    body: APIJSON.encode(value))
        for (name, value) in headers { response.headers.add(name: name, value: value) }
        return response
    }

    /// A page of a list: `{"items":[…],"nextCursor":…,"total":N}`.
    static func page<T: Encodable>(_ all: [T], request: HTTPRequest) throws(APIError) -> HTTPResponse {
        let (offset, limit) = try Pagination.parse(request)
        let slice = offset < all.count ? Array(all[offset..<min(all.count, offset + limit)]) : []
        let next = offset + limit < all.count ? String(offset + limit) : nil
        return json(Page(items: slice, nextCursor: next, total: all.count))
    }
}

/// One page of a list.
struct Page<T: Encodable>: Encodable {
    var items: [T]
    var nextCursor: String?
    var total: Int

    private enum CodingKeys: String, CodingKey { case items, nextCursor, total }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(items, forKey: .items)
        try container.encode(nextCursor, forKey: .nextCursor)
        try container.encode(total, forKey: .total)
    }
}

/// `limit` (default 50, at most 1000) and `cursor` (an opaque position) of list requests.
enum Pagination {
    static let defaultLimit = 50
    static let maxLimit = 1_000

    static func parse(_ request: HTTPRequest) throws(APIError) -> (offset: Int, limit: Int) {
        var limit = defaultLimit
        if let text = request.queryValue("limit") {
            guard let value = Int(text), (1...maxLimit).contains(value) else {
                throw APIError.badRequest("limit must be a whole number from 1 to \(maxLimit)", ["field": "limit"])
            }
            limit = value
        }
        var offset = 0
        if let text = request.queryValue("cursor"), !text.isEmpty {
            guard let value = Int(text), value >= 0 else {
                throw APIError.badRequest("cursor is not one this server gave out", ["field": "cursor"])
            }
            offset = value
        }
        return (offset, limit)
    }
}
