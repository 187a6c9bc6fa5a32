/// A write the lake refuses, or a store failure, with a readable description.
public struct LakeError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is.
    public enum Code: String, Sendable {
        /// A relation (or history record) points at an entity that exists neither in the lake nor in the batch.
        case danglingReference
        /// The same entity appears twice in one batch.
        case duplicateEntity
        /// The persistent store failed.
        case storage
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
