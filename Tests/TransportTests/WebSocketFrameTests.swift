import Testing
@testable import Transport

/// What the server side made of a byte stream from a client.
struct FrameOutcome: Equatable {
    var messages: [WebSocketMessage] = []
    var pongs: [[UInt8]] = []
    /// The code this side failed the connection with.
    var failure: WebSocketCloseCode?
    /// The code of a close frame the peer sent.
    var peerClose: WebSocketCloseCode?
}

func decodeFrames(
    _ chunks: [[UInt8]], role: WebSocketFrameDecoder.Role = .server, maxMessageSize: Int = 64
) -> FrameOutcome {
    var decoder = WebSocketFrameDecoder(role: role, maxMessageSize: maxMessageSize)
    var machine = WebSocketStateMachine(maxMessageSize: maxMessageSize)
    var outcome = FrameOutcome()
    for chunk in chunks {
        decoder.append(chunk)
        frames: while machine.state != .closed {
            let action: WebSocketStateMachine.Action
            switch decoder.next() {
            case .needMoreData: break frames
            case .failed(let error): action = machine.receiveFailure(error)
            case .chunk(let header, let payload, let isFirst, let isLast):
                action = machine.receive(header: header, payload: payload, isFirst: isFirst, isLast: isLast)
            }
            switch action {
            case .none: break
            case .deliver(let message): outcome.messages.append(message)
            case .sendPong(let payload): outcome.pongs.append(payload)
            case .replyToClose(_, let info), .closeHandshakeComplete(let info): outcome.peerClose = info.code
            case .fail(let info, _): outcome.failure = info.code
            }
        }
    }
    return outcome
}

func expectFramesAtEverySplit(
    _ bytes: [UInt8], _ expected: FrameOutcome, role: WebSocketFrameDecoder.Role = .server,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(decodeFrames([bytes], role: role) == expected, "whole", sourceLocation: sourceLocation)
    for split in 0...bytes.count {
        let outcome = decodeFrames([Array(bytes[..<split]), Array(bytes[split...])], role: role)
        #expect(outcome == expected, "split at \(split)", sourceLocation: sourceLocation)
        if outcome != expected { return }
    }
    #expect(decodeFrames(bytes.map { [$0] }, role: role) == expected, "byte by byte", sourceLocation: sourceLocation)
}

/// A client frame with a raw first byte (FIN, RSV and opcode as given), masked unless told not to.
func frame(_ first: UInt8, _ payload: [UInt8], masked: Bool = true) -> [UInt8] {
    var bytes = [first]
    let maskBit: UInt8 = masked ? 0x80 : 0
    if payload.count < 126 {
        bytes.append(maskBit | UInt8(payload.count))
    } else {
        bytes += [maskBit | 126, UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)]
    }
    guard masked else { return bytes + payload }
    let key: [UInt8] = [0x37, 0xFA, 0x21, 0x3D]
    bytes += key
    bytes += payload.enumerated().map { $0.element ^ key[$0.offset % 4] }
    return bytes
}

func text(_ string: String, fin: Bool = true) -> [UInt8] { frame((fin ? 0x80 : 0) | 0x1, Array(string.utf8)) }
func continuation(_ bytes: [UInt8], fin: Bool = true) -> [UInt8] { frame(fin ? 0x80 : 0, bytes) }
func close(_ code: UInt16, reason: [UInt8] = []) -> [UInt8] {
    frame(0x88, [UInt8(code >> 8), UInt8(code & 0xFF)] + reason)
}

struct WebSocketFrameTests {
    @Test func messagesAndFragmentsWithInterleavedPing() {
        expectFramesAtEverySplit(text("Hello"), FrameOutcome(messages: [.text("Hello")]))
        expectFramesAtEverySplit(
            text("Hel", fin: false) + frame(0x89, [1, 2]) + continuation(Array("lo".utf8)) + frame(0x82, [0, 255]),
            FrameOutcome(messages: [.text("Hello"), .binary([0, 255])], pongs: [[1, 2]]))
        expectFramesAtEverySplit(text("") + frame(0x8A, [9]), FrameOutcome(messages: [.text("")]))
        let long = String(repeating: "x", count: 60)
        expectFramesAtEverySplit(text(long), FrameOutcome(messages: [.text(long)]))
    }

    @Test func framingViolationsClose1002() {
        let protocolError = FrameOutcome(failure: .protocolError)
        expectFramesAtEverySplit(frame(0x81, Array("hi".utf8), masked: false), protocolError)
        for reserved: UInt8 in [0x40, 0x20, 0x10] {
            expectFramesAtEverySplit(frame(0x81 | reserved, [1]), protocolError)
        }
        for opcode: UInt8 in [0x3, 0x7, 0xB, 0xF] { expectFramesAtEverySplit(frame(0x80 | opcode, []), protocolError) }
        expectFramesAtEverySplit(frame(0x09, [1]), protocolError)
        expectFramesAtEverySplit(frame(0x89, [UInt8](repeating: 0, count: 126)), protocolError)
        expectFramesAtEverySplit(continuation([1]), protocolError)
        expectFramesAtEverySplit(text("a", fin: false) + text("b"), protocolError)
        expectFramesAtEverySplit([0x82, 0xFF, 0x80, 0, 0, 0, 0, 0, 0, 1], protocolError)
    }

    @Test func serverFramesMustNotBeMasked() {
        expectFramesAtEverySplit(frame(0x81, [0x61]), FrameOutcome(failure: .protocolError), role: .client)
        expectFramesAtEverySplit(
            frame(0x81, [0x61], masked: false), FrameOutcome(messages: [.text("a")]), role: .client)
    }

    @Test func closeCodes() {
        for code: UInt16 in [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 3000, 3999, 4000, 4999] {
            expectFramesAtEverySplit(close(code), FrameOutcome(peerClose: WebSocketCloseCode(rawValue: code)))
        }
        for code: UInt16 in [0, 999, 1004, 1005, 1006, 1012, 1013, 1014, 1015, 1016, 1100, 2000, 2999, 5000, 65535] {
            expectFramesAtEverySplit(close(code), FrameOutcome(failure: .protocolError))
        }
        expectFramesAtEverySplit(frame(0x88, []), FrameOutcome(peerClose: .noStatusReceived))
        expectFramesAtEverySplit(frame(0x88, [0x03]), FrameOutcome(failure: .protocolError))
        expectFramesAtEverySplit(close(1000, reason: Array("bye".utf8)), FrameOutcome(peerClose: .normal))
        expectFramesAtEverySplit(close(1000, reason: [0xCE, 0xBA, 0xE1]), FrameOutcome(failure: .invalidPayload))
        // Nothing after a close frame is processed.
        expectFramesAtEverySplit(close(1000) + text("late"), FrameOutcome(peerClose: .normal))
    }

    @Test func invalidTextFailsFastWith1007() {
        let invalid = FrameOutcome(failure: .invalidPayload)
        // "κόσμε" followed by an encoded surrogate (U+D800).
        let surrogate: [UInt8] = [0xCE, 0xBA, 0xE1, 0xBD, 0xB9, 0xCF, 0x83, 0xCE, 0xBC, 0xCE, 0xB5, 0xED, 0xA0, 0x80]
        expectFramesAtEverySplit(frame(0x81, surrogate), invalid)
        // The bad byte is in the first fragment; the rest of the message never arrives.
        expectFramesAtEverySplit(frame(0x01, [0x61, 0xC0, 0xAF]), invalid)
        // A scalar left incomplete at the end of the message.
        expectFramesAtEverySplit(frame(0x01, [0x61]) + continuation([0xE2, 0x82]), invalid)
        // A scalar split across fragments is fine.
        expectFramesAtEverySplit(
            frame(0x01, [0xE2]) + continuation([0x82, 0xAC]), FrameOutcome(messages: [.text("€")]))
    }

    @Test func oversizeMessagesClose1009FromTheHeader() {
        // Only the header of a 100-byte frame is sent: the decision must not wait for the payload.
        expectFramesAtEverySplit([0x82, 0x80 | 100, 1, 2, 3, 4], FrameOutcome(failure: .messageTooBig))
        let forty = [UInt8](repeating: 7, count: 40)
        expectFramesAtEverySplit(frame(0x02, forty) + frame(0x80, forty), FrameOutcome(failure: .messageTooBig))
    }

    @Test func encoderRoundTripsThroughTheDecoder() {
        let payload = (0..<300).map { UInt8($0 & 0xFF) }
        let encoded = WebSocketFrameEncoder.encode(
            opcode: .binary, payload: payload, maskKey: WebSocketFrameEncoder.randomMaskKey())
        #expect(decodeFrames([encoded], maxMessageSize: 1000) == FrameOutcome(messages: [.binary(payload)]))
        let unmasked = WebSocketFrameEncoder.encode(opcode: .binary, payload: [UInt8](repeating: 1, count: 70_000))
        #expect(Array(unmasked.prefix(10)) == [0x82, 127, 0, 0, 0, 0, 0, 1, 0x11, 0x70])
        let reason = String(repeating: "é", count: 100)
        let payloadBytes = WebSocketFrameEncoder.closePayload(code: .goingAway, reason: reason)
        #expect(payloadBytes.count <= 125)
        #expect(UTF8Validator.isValid(payloadBytes.dropFirst(2)))
    }
}
