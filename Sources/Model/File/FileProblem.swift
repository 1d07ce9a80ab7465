import Foundation

/// Turns a Foundation file error into a short phrase for `InputError`.
public enum FileProblem {
    public static func describe(_ error: Error, reading what: String) -> String {
        let ns = error as NSError
        let posix = (ns.userInfo[NSUnderlyingErrorKey] as? NSError).flatMap { $0.domain == NSPOSIXErrorDomain ? $0.code : nil }
        switch (ns.domain, ns.code, posix) {
        case (_, _, .some(Int(ENOENT))), (NSCocoaErrorDomain, NSFileReadNoSuchFileError, _):
            return "no such file"
        case (_, _, .some(Int(EACCES))), (NSCocoaErrorDomain, NSFileReadNoPermissionError, _):
            return "permission denied"
        case (_, _, .some(Int(EISDIR))):
            return "is a directory, expected a \(what)"
        default:
            return "cannot read \(what): \(ns.localizedDescription)"
        }
    }
}
