/// A page of a list answer; only the count and the cursor are read here.
struct ListPage<Item: Decodable & Sendable>: Decodable, Sendable {
    var items: [Item]
    var nextCursor: String?
    var total: Int
}
