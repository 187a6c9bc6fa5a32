public import MusterModel

/// One rejected item of an import: where it is and why.
public struct ImportError: Error, Sendable, Hashable, CustomStringConvertible {
    public var file: String
    /// 1-based line of the offending node (0 when unknown).
    public var line: Int
    /// 1-based column of the offending node (0 when unknown).
    public var column: Int
    public var reason: String
    /// The entity concerned, when known.
    public var ref: EntityRef?

    public init(file: String, line: Int, column: Int = 0, reason: String, ref: EntityRef? = nil) {
        self.file = file
        self.line = line
        self.column = column
        self.reason = reason
        self.ref = ref
    }

    public var description: String {
        let position = column > 0 ? "\(line):\(column)" : "\(line)"
        return "\(file):\(position): \(reason)"
    }
}

/// The outcome of an import: valid items are kept even when others are rejected.
public struct ImportReport: Sendable, Hashable {
    /// Entities written to the lake (stubs not counted).
    public var imported: Int = 0
    /// Documents deliberately not imported (Backstage `Location` and kinds the lake does not model).
    public var skipped: Int = 0
    /// Rejected items, each with file, line and reason.
    public var errors: [ImportError] = []
    /// Stub entities created for references to entities the import set did not define.
    public var stubs: [EntityRef] = []

    public init(imported: Int = 0, skipped: Int = 0, errors: [ImportError] = [], stubs: [EntityRef] = []) {
        self.imported = imported
        self.skipped = skipped
        self.errors = errors
        self.stubs = stubs
    }
}

extension ImportReport {
    /// Adds another report's counts and errors to this one.
    public mutating func merge(_ other: ImportReport) {
        imported += other.imported
        skipped += other.skipped
        errors += other.errors
        stubs += other.stubs
    }
}
