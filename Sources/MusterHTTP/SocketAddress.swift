@preconcurrency import Glibc

/// The numeric host of an IPv4 or IPv6 socket address, e.g. `127.0.0.1`; nil for other families.
func numericHost(of address: UnsafePointer<sockaddr>) -> String? {
    // inet_ntop into a stack buffer: this runs for every request.
    withUnsafeTemporaryAllocation(of: CChar.self, capacity: Int(INET6_ADDRSTRLEN)) { buffer -> String? in
        let family = Int32(address.pointee.sa_family)
        let written: UnsafePointer<CChar>?
        switch family {
        case AF_INET:
            written = address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { inet4 in
                withUnsafePointer(to: inet4.pointee.sin_addr) {
                    inet_ntop(AF_INET, $0, buffer.baseAddress, socklen_t(buffer.count))
                }
            }
        case AF_INET6:
            written = address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { inet6 in
                withUnsafePointer(to: inet6.pointee.sin6_addr) {
                    inet_ntop(AF_INET6, $0, buffer.baseAddress, socklen_t(buffer.count))
                }
            }
        default: return nil
        }
        return written.map { String(cString: $0) }
    }
}

/// An IPv4 socket address for `host:port`, or nil when `host` is not a dotted-quad IPv4 address.
func ipv4Address(host: String, port: UInt16) -> sockaddr_in? {
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = port.bigEndian
    guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else { return nil }
    return address
}

/// The text of `errno` value `code`, e.g. `Address already in use`.
func systemErrorText(_ code: Int32) -> String {
    String(cString: strerror(code))
}
