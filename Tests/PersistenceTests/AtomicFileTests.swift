import Foundation
import Glibc
import Testing
@testable import Persistence

@Suite struct AtomicFileTests {
    @Test func writeReplacesContentAndLeavesNoTemporaryFiles() throws {
        try TemporaryDirectory.with { directory in
            let path = directory.file("state.json")
            try AtomicFile.write(Array("first version, longer".utf8), to: path)
            try AtomicFile.write(Data("second".utf8), to: path)
            #expect(try AtomicFile.read(path) == Data("second".utf8))
            #expect(try directory.entries() == ["state.json"])
        }
    }

    @Test func readOfMissingFileIsNil() throws {
        // why `throws` spelled out: a closure whose only `try`s are inside macros is not inferred as throwing.
        try TemporaryDirectory.with { directory throws in
            let path = directory.file("absent")
            #expect(try AtomicFile.read(path) == nil)
            #expect(try AtomicFile.readBytes(path) == nil)
        }
    }

    @Test func writeIntoMissingDirectoryThrowsWithErrno() throws {
        try TemporaryDirectory.with { directory in
            let path = directory.file("missing/state.json")
            do {
                try AtomicFile.write([1, 2, 3], to: path)
                Issue.record("expected a FileError")
            } catch let error as FileError {
                #expect(error.errno == ENOENT)
                #expect(error.operation == "open")
                #expect(error.path.hasPrefix(path))
            }
        }
    }

    @Test func createDirectoryMakesParentsAndIsIdempotent() throws {
        try TemporaryDirectory.with { directory in
            let nested = directory.file("a/b/c")
            try AtomicFile.createDirectory(nested)
            try AtomicFile.createDirectory(nested)
            var isDirectory: ObjCBool = false
            #expect(FileManager.default.fileExists(atPath: nested, isDirectory: &isDirectory))
            #expect(isDirectory.boolValue)
        }
    }

    @Test func createDirectoryOverAFileFails() throws {
        try TemporaryDirectory.with { directory in
            let path = directory.file("plain")
            try AtomicFile.write([0], to: path)
            #expect(throws: FileError.self) { try AtomicFile.createDirectory(path) }
        }
    }

    @Test func staleTemporaryFilesAreRemovedAndOthersKept() throws {
        try TemporaryDirectory.with { directory in
            let path = directory.file("snapshot.json")
            try RawFile.write([1], to: path + AtomicFile.temporaryInfix + "dead")
            try RawFile.write([2], to: directory.file("other.json.tmp-beef"))
            try AtomicFile.write([3], to: path)
            #expect(try AtomicFile.removeStaleTemporaryFiles(for: path) == 1)
            #expect(try directory.entries() == ["other.json.tmp-beef", "snapshot.json"])
        }
    }
}

@Suite struct AtomicFileModeTests {
    @Test func aSecretIsWrittenWithItsModeFromTheStart() throws {
        let directory = NSTemporaryDirectory() + "bulkops-mode-" + UUID().uuidString
        try AtomicFile.createDirectory(directory)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try AtomicFile.write(Array("secret".utf8), to: directory + "/secret", mode: 0o600)
        try AtomicFile.write(Array("plain".utf8), to: directory + "/plain")
        let secret = try FileManager.default.attributesOfItem(atPath: directory + "/secret")
        let plain = try FileManager.default.attributesOfItem(atPath: directory + "/plain")
        #expect((secret[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect(((plain[.posixPermissions] as? NSNumber)?.intValue ?? 0) & 0o044 != 0)
    }
}
