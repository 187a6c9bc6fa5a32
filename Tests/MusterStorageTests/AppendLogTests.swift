import Foundation
import Testing

@testable import MusterStorage

/// The append log: records come back whole and in order after a restart, a torn tail is dropped, and sealed
/// segments go once removed.
struct AppendLogTests {
    let folder: URL

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("append-log-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    var base: String { folder.appendingPathComponent("intake.db-log").path }

    func records(_ texts: [String]) -> [Data] { texts.map { Data($0.utf8) } }

    @Test func recordsComeBackInOrderAfterAReopen() throws {
        do {
            let (log, recovered) = try AppendLog.open(base: base)
            #expect(recovered.isEmpty)
            try log.append(records(["one", "two"]))
            try log.append(records(["three", ""]))
            #expect(log.size == 4 * 8 + 11)
        }
        let (log, recovered) = try AppendLog.open(base: base)
        #expect(recovered == records(["one", "two", "three", ""]))
        #expect(AppendLog.segments(of: base) == [1, 2], "the old segment stays until its records are safe")
        log.removeRecovered()
        #expect(AppendLog.segments(of: base) == [2])
    }

    @Test(arguments: [1, 5, 9])
    func aTornOrCorruptTailIsDroppedAndWhatCameBeforeKept(cut: Int) throws {
        do {
            let (log, _) = try AppendLog.open(base: base)
            try log.append(records(["first", "second"]))
        }
        let path = AppendLog.path(base, 1)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        if cut == 9 {
            bytes[bytes.count - 2] ^= 0xFF  // a flipped byte in the last payload: its checksum fails
        } else {
            bytes.removeLast(cut)  // a write cut short
        }
        try bytes.write(to: URL(fileURLWithPath: path))
        #expect(try AppendLog.open(base: base).recovered == records(["first"]))
    }

    @Test func aSealedSegmentIsRemovedAndTheNextOneTakesTheWrites() throws {
        let (log, _) = try AppendLog.open(base: base)
        try log.append(records(["a"]))
        let sealed = try log.seal()
        try log.append(records(["b"]))
        #expect(sealed == 1 && log.size == 9)
        log.remove(segment: sealed)
        #expect(AppendLog.segments(of: base) == [2])
        #expect(try AppendLog.read(AppendLog.path(base, 2)) == records(["b"]))
    }

    @Test func aLogThatCannotBeCreatedNamesTheFile() {
        let missing = folder.appendingPathComponent("no-such-folder/intake.db-log").path
        #expect {
            _ = try AppendLog.open(base: missing)
        } throws: { error in
            "\(error)".contains("cannot open \(missing).1")
        }
    }
}
