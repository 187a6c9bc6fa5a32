@preconcurrency import Glibc

/// The numeric host of an IPv4 or IPv6 socket address, e.g. `127.0.0.1`; nil for other families.
func numericHost(of address: UnsafePointer<sockaddr>) -> String? {
    let length: socklen_t
    switch Int32(address.pointee.sa_family) {
    case AF_INET: length = socklen_t(MemoryLayout<sockaddr_in>.size)
    case AF_INET6: length = socklen_t(MemoryLayout<sockaddr_in6>.size)
    default: return nil
    }
    var host = [CChar](repeating: 0, count: Int(NI_MAXHOST))
    guard getnameinfo(address, length, &host, socklen_t(host.count), nil, 0, NI_NUMERICHOST) == 0 else {
        return nil
    }
    return String(decoding: host.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
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
