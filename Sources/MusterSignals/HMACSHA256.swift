internal import CCrypto
public import Foundation

/// HMAC-SHA256 through OpenSSL's one-shot `HMAC()`; no OpenSSL type leaves this file.
public enum HMACSHA256 {
    /// The 32-byte authentication code of `message` under `key`.
    public static func authenticationCode(of message: some DataProtocol, key: some DataProtocol) -> [UInt8] {
        // HMAC() wants contiguous buffers and a non-null key pointer even for an empty key.
        let keyBytes = Array(key)
        let messageBytes = Array(message)
        var digest = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        let result = keyBytes.withUnsafeBufferPointer { keyBuffer in
            messageBytes.withUnsafeBufferPointer { messageBuffer in
                digest.withUnsafeMutableBufferPointer { digestBuffer in
                    withUnsafePointer(to: UInt8(0)) { empty in
                        HMAC(
                            ccrypto_sha256(),
                            keyBuffer.baseAddress.map { UnsafeRawPointer($0) } ?? UnsafeRawPointer(empty),
                            Int32(keyBuffer.count), messageBuffer.baseAddress ?? empty, messageBuffer.count,
                            digestBuffer.baseAddress, &length)
                    }
                }
            }
        }
        // HMAC() fails only on allocation failure or a bad digest: a programmer error, not an input error.
        precondition(result != nil && length == 32, "OpenSSL HMAC-SHA256 failed")
        return digest
    }

    /// The authentication code as lowercase hex.
    public static func hex(of message: some DataProtocol, key: some DataProtocol) -> String {
        Hex.encode(authenticationCode(of: message, key: key))
    }

    /// The authentication code of UTF-8 text under a UTF-8 secret, as lowercase hex.
    public static func hex(of message: String, key: String) -> String {
        hex(of: Data(message.utf8), key: Data(key.utf8))
    }
}
