import Foundation

#if canImport(Glibc)
    @preconcurrency import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A listening TCP socket on 127.0.0.1 with an ephemeral port, for the loopback fakes of the tests.
public enum LoopbackSocket {
    /// A failed system call, with errno in words.
    public struct Failure: Error, CustomStringConvertible {
        public var call: String
        public var code: Int32
        public var description: String { "\(call): \(String(cString: strerror(code)))" }
    }

    /// Opens, binds and listens; the caller owns the descriptor and closes it.
    public static func listen(backlog: Int32 = 16) throws -> (descriptor: Int32, port: UInt16) {
        #if canImport(Glibc)
            let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
            let descriptor = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard descriptor >= 0 else { throw Failure(call: "socket", code: errno) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                bind(descriptor, address, length) == 0 && startListening(descriptor, backlog) == 0
                    && getsockname(descriptor, address, &length) == 0
            }
        }
        guard bound else {
            let code = errno
            close(descriptor)
            throw Failure(call: "bind/listen", code: code)
        }
        return (descriptor, UInt16(bigEndian: address.sin_port))
    }

    /// A loopback port that was free a moment ago (bound to 0, read, released), for a child process to listen on.
    public static func freePort() throws -> UInt16 {
        let (descriptor, port) = try listen(backlog: 1)
        close(descriptor)
        return port
    }

    private static func startListening(_ descriptor: Int32, _ backlog: Int32) -> Int32 {
        #if canImport(Glibc)
            Glibc.listen(descriptor, backlog)
        #else
            Darwin.listen(descriptor, backlog)
        #endif
    }
}
