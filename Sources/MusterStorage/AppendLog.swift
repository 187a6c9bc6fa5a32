internal import CZlib
public import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// An append-only file of byte records: it acknowledges a write faster than a database transaction per record,
/// and its owner copies the records into the database in batches.
///
/// A record is framed as its length (4 bytes, little-endian), the CRC-32 of its payload (4 bytes), then the
/// payload. ``append(_:)`` writes a batch with one `write`: when it returns, the records are in the operating
/// system's hands and survive the process being killed. Like SQLite's WAL with `synchronous=NORMAL`, they are not
/// forced to the disk. Reading stops at the first torn or corrupt frame: a write cut short was never acknowledged.
///
/// The log is a series of numbered segment files (`<base>.1`, `<base>.2`, ...), one of them active. The owner
/// seals the active segment once it is large, copies what it holds, then removes it.
/// Not thread-safe: keep it inside the lock of its owner.
public final class AppendLog {
    /// The path that segment files are named after.
    public let base: String
    private var descriptor: Int32
    private var number: Int
    /// Bytes written to the active segment.
    public private(set) var size: Int
    /// The segments found at open (their records are returned by ``open(base:)``), until ``removeRecovered()``.
    private var recovered: [Int]

    /// Opens a log at `base` and returns every whole record left by an earlier process, oldest first. The old
    /// segments stay on disk until ``removeRecovered()``: call it once their records are safe elsewhere.
    public static func open(base: String) throws(StorageError) -> (log: AppendLog, recovered: [Data]) {
        let numbers = segments(of: base)
        var records: [Data] = []
        for number in numbers {
            records += try read(path(base, number))
        }
        let log = try AppendLog(base: base, number: (numbers.last ?? 0) + 1, recovered: numbers)
        return (log, records)
    }

    private init(base: String, number: Int, recovered: [Int]) throws(StorageError) {
        self.base = base
        self.number = number
        self.recovered = recovered
        self.size = 0
        self.descriptor = try Self.create(Self.path(base, number))
    }

    deinit { close(descriptor) }

    /// Writes `records` at the end of the active segment, all or none: after a failed or short write the segment
    /// is cut back to where it was, and the error names the file.
    public func append<Record: Collection<UInt8>>(_ records: [Record]) throws(StorageError) {
        // Framed into one byte array: `Data`'s small appends cost more than the `write` itself.
        var frames: [UInt8] = []
        frames.reserveCapacity(records.reduce(0) { $0 + $1.count + 8 })
        for record in records {
            Self.appendInteger(UInt32(record.count), to: &frames)
            Self.appendInteger(Self.checksum(record), to: &frames)
            frames.append(contentsOf: record)
        }
        let failure: Int32? = frames.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                offset += written
            }
            return nil
        }
        if let failure {
            _ = ftruncate(descriptor, off_t(size))
            throw StorageError(
                code: failure,
                message: "cannot append to \(Self.path(base, number)): \(String(cString: strerror(failure)))")
        }
        size += frames.count
    }

    /// Closes the active segment and starts the next one; returns the sealed segment's number.
    public func seal() throws(StorageError) -> Int {
        let next = try Self.create(Self.path(base, number + 1))
        close(descriptor)
        let sealed = number
        descriptor = next
        number += 1
        size = 0
        return sealed
    }

    /// Deletes a sealed segment whose records are safe elsewhere.
    public func remove(segment: Int) {
        unlink(Self.path(base, segment))
    }

    /// Deletes the segments found at open.
    public func removeRecovered() {
        for number in recovered { remove(segment: number) }
        recovered = []
    }

    // MARK: - Files

    static func path(_ base: String, _ number: Int) -> String { "\(base).\(number)" }

    /// The numbers of the segment files of `base`, ascending.
    static func segments(of base: String) -> [Int] {
        let url = URL(fileURLWithPath: base)
        let prefix = url.lastPathComponent + "."
        let names = (try? FileManager.default.contentsOfDirectory(atPath: url.deletingLastPathComponent().path)) ?? []
        return names.compactMap { name in name.hasPrefix(prefix) ? Int(name.dropFirst(prefix.count)) : nil }.sorted()
    }

    private static func create(_ path: String) throws(StorageError) -> Int32 {
        let descriptor = Glibc.open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw StorageError(code: errno, message: "cannot open \(path): \(String(cString: strerror(errno)))")
        }
        return descriptor
    }

    /// The whole records of the segment at `path`, up to the first torn or corrupt frame.
    static func read(_ path: String) throws(StorageError) -> [Data] {
        let contents: Data
        do {
            contents = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw StorageError(code: 0, message: "cannot read \(path): \(error.localizedDescription)")
        }
        var records: [Data] = []
        var offset = contents.startIndex
        while contents.endIndex - offset >= 8 {
            let length = Int(integer(in: contents, at: offset))
            let sum = integer(in: contents, at: offset + 4)
            let start = offset + 8
            guard contents.endIndex - start >= length else { break }
            let record = contents.subdata(in: start..<start + length)
            guard checksum(record) == sum else { break }
            records.append(record)
            offset = start + length
        }
        return records
    }

    // MARK: - Framing

    static func checksum(_ record: some Collection<UInt8>) -> UInt32 {
        func crc(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt32 {
            UInt32(crc32(0, bytes.baseAddress, uInt(bytes.count)))
        }
        return record.withContiguousStorageIfAvailable(crc) ?? Array(record).withUnsafeBufferPointer(crc)
    }

    private static func appendInteger(_ value: UInt32, to frames: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { frames.append(contentsOf: $0) }
    }

    private static func integer(in data: Data, at offset: Data.Index) -> UInt32 {
        (0..<4).reduce(UInt32(0)) { $0 | UInt32(data[offset + $1]) << (8 * UInt32($1)) }
    }
}
