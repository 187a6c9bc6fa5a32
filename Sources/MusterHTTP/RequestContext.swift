import CMicroHTTPD
import Glibc

/// What is known of one request while libmicrohttpd feeds it in: its head, the body so far and its fate.
///
/// Created on the first access-handler call and kept retained in `*con_cls`; released in the completion callback.
/// libmicrohttpd drives one connection from one worker thread at a time, so it needs no lock.
final class RequestContext {
    var request: HTTPRequest
    /// A response was queued for this request already (an early `413`); later calls only discard data.
    var isAnswered = false
    /// The body outgrew the limit while streaming: the rest is discarded and `413` answered at the end.
    var isTooLarge = false
    /// The request took a handling slot that the completion callback must give back.
    var holdsSlot = false
    /// The request went to the handler, which answers through an ``HTTPReply``.
    var isDispatched = false

    init(request: HTTPRequest) {
        self.request = request
    }

    /// Reads method, path, headers, query arguments and peer address of `connection`.
    convenience init(connection: OpaquePointer, method: String, path: String) {
        var headers = [String: String](minimumCapacity: 8)
        var query: [String: String] = [:]
        withUnsafeMutablePointer(to: &headers) { pointer in
            _ = MHD_get_connection_values(connection, .HEADER_KIND, collectHeader, pointer)
        }
        withUnsafeMutablePointer(to: &query) { pointer in
            _ = MHD_get_connection_values(connection, .GET_ARGUMENT_KIND, collectArgument, pointer)
        }
        self.init(
            request: HTTPRequest(
                method: method, path: path, query: query, headers: headers,
                remoteAddress: cmhd_client_address(connection).flatMap(numericHost(of:))))
    }
}

@available(*, unavailable)
extension RequestContext: Sendable {}

/// `MHD_KeyValueIterator` for headers: `cls` points at a `[String: String]`; names are lower-cased.
private let collectHeader: MHD_KeyValueIterator = { cls, _, key, value in
    guard let cls, let key else { return .YES }
    let headers = cls.assumingMemoryBound(to: [String: String].self)
    let name = lowercasedName(key)
    let value = value.map { String(cString: $0) } ?? ""
    // One hash lookup for the usual header that comes once.
    if let existing = headers.pointee.updateValue(value, forKey: name) {
        headers.pointee[name] = existing + ", " + value
    }
    return .YES
}

/// A header name lower-cased: names are ASCII tokens (RFC 9110), so bytes are mapped directly instead of
/// through Unicode case mapping, which cost a tenth of the HTTP worker's own time per request.
private func lowercasedName(_ key: UnsafePointer<CChar>) -> String {
    let length = strlen(key)
    return key.withMemoryRebound(to: UInt8.self, capacity: length) { bytes in
        let source = UnsafeBufferPointer(start: bytes, count: length)
        guard source.contains(where: { (65...90).contains($0) || $0 >= 128 }) else {
            return String(decoding: source, as: UTF8.self)
        }
        guard source.allSatisfy({ $0 < 128 }) else { return String(cString: key).lowercased() }
        return String(unsafeUninitializedCapacity: length) { target in
            for (index, byte) in source.enumerated() { target[index] = (65...90).contains(byte) ? byte + 32 : byte }
            return length
        }
    }
}

/// `MHD_KeyValueIterator` for query arguments: `cls` points at a `[String: String]`; a bare key maps to "".
private let collectArgument: MHD_KeyValueIterator = { cls, _, key, value in
    guard let cls, let key else { return .YES }
    let query = cls.assumingMemoryBound(to: [String: String].self)
    query.pointee[String(cString: key)] = value.map { String(cString: $0) } ?? ""
    return .YES
}
