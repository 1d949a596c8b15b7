import Foundation
import Orchestrator

/// The API's JSON settings: RFC 3339 UTC times with microseconds, no escaped slashes.
public enum APIJSON {
    public static func encoder() -> JSONEncoder {
        let encoder = TimestampJSON.encoder
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return encoder
    }

    public static func decoder() -> JSONDecoder { TimestampJSON.decoder }

    public static func encode<T: Encodable>(_ value: T) -> [UInt8] {
        (try? Array(encoder().encode(value))) ?? Array("{}".utf8)
    }
}
