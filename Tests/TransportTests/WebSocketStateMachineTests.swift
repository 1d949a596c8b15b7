import Testing
@testable import Transport

struct WebSocketStateMachineTests {
    private func header(_ opcode: WebSocketOpcode, fin: Bool = true, length: Int) -> WebSocketFrameHeader {
        WebSocketFrameHeader(fin: fin, opcode: opcode, maskKey: nil, payloadLength: length)
    }

    @Test func locallyStartedCloseWaitsForThePeerAndIgnoresLateData() {
        var machine = WebSocketStateMachine(maxMessageSize: 100)
        guard case .sendClose(let payload) = machine.close(code: .goingAway, reason: "bye") else {
            Issue.record("the first close must send a frame")
            return
        }
        #expect(payload == [0x03, 0xE9] + Array("bye".utf8))
        #expect(machine.state == .closeSent)
        #expect(machine.close(code: .normal, reason: "") == .alreadyClosing)
        // Data and pings after our close are not delivered or answered.
        let late = machine.receive(header: header(.text, length: 1), payload: [0x61], isFirst: true, isLast: true)
        #expect(late == .none)
        #expect(machine.receive(header: header(.ping, length: 0), payload: [], isFirst: true, isLast: true) == .none)
        let answer = machine.receive(
            header: header(.close, length: 2), payload: [0x03, 0xE9], isFirst: true, isLast: true)
        #expect(answer == .closeHandshakeComplete(
            WebSocketCloseInfo(code: .goingAway, reason: "", initiatedLocally: true)))
        #expect(machine.state == .closed)
    }

    @Test func peerCloseIsEchoedWithItsCode() {
        var machine = WebSocketStateMachine(maxMessageSize: 100)
        let action = machine.receive(
            header: header(.close, length: 4), payload: [0x0F, 0xA1, 0x6F, 0x6B], isFirst: true, isLast: true)
        #expect(action == .replyToClose(
            payload: [0x0F, 0xA1], info: WebSocketCloseInfo(code: WebSocketCloseCode(rawValue: 4001), reason: "ok",
                                                            initiatedLocally: false)))
        #expect(machine.close(code: .normal, reason: "") == .alreadyClosing)
    }

    @Test func failureAfterOurCloseSendsNoSecondCloseFrame() {
        var machine = WebSocketStateMachine(maxMessageSize: 100)
        _ = machine.close(code: .normal, reason: "")
        let action = machine.receiveFailure(.reservedBitsSet)
        guard case .fail(let info, let sendCloseFrame) = action else {
            Issue.record("expected a failure, got \(action)")
            return
        }
        #expect(info.code == .protocolError)
        #expect(!sendCloseFrame)
    }
}
