import CCrypto
import Foundation

/// SHA-256 of a file through OpenSSL's EVP interface, streamed in 1 MiB chunks.
public enum SHA256 {
    public static func hex(ofFile url: URL) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: url.path) else {
            throw InputError(url.path, "cannot open for hashing")
        }
        defer { try? handle.close() }
        guard let ctx = EVP_MD_CTX_new() else { throw InputError(url.path, "OpenSSL could not allocate a digest") }
        defer { EVP_MD_CTX_free(ctx) }
        EVP_DigestInit_ex(ctx, EVP_sha256(), nil)
        while true {
            // `readData(ofLength:)` traps on a read error; this throws it.
            let chunk: Data
            do { chunk = try handle.read(upToCount: 1 << 20) ?? Data() } catch { throw FileProblem.inputError(url.path, error) }
            if chunk.isEmpty { break }
            _ = chunk.withUnsafeBytes { EVP_DigestUpdate(ctx, $0.baseAddress, chunk.count) }
        }
        return finish(ctx)
    }

    /// SHA-256 of bytes in memory (a window's features, to tell two runs' inputs apart).
    public static func hex(of bytes: UnsafeRawBufferPointer) -> String {
        guard let ctx = EVP_MD_CTX_new() else { preconditionFailure("OpenSSL could not allocate a digest") }
        defer { EVP_MD_CTX_free(ctx) }
        EVP_DigestInit_ex(ctx, EVP_sha256(), nil)
        EVP_DigestUpdate(ctx, bytes.baseAddress, bytes.count)
        return finish(ctx)
    }

    private static func finish(_ ctx: OpaquePointer) -> String {
        var digest = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        EVP_DigestFinal_ex(ctx, &digest, &length)
        return digest.prefix(Int(length)).map { String(format: "%02x", $0) }.joined()
    }
}
