// swift-tools-version:5.9
import PackageDescription

// AVX2 and FMA on x86-64 (every x86-64-v3 CPU since 2013); the element-wise kernels vectorise to them.
#if arch(x86_64)
let fastMath: [SwiftSetting] = [.unsafeFlags(["-Ounchecked", "-target-cpu", "haswell"], .when(configuration: .release))]
#else
let fastMath: [SwiftSetting] = [.unsafeFlags(["-Ounchecked"], .when(configuration: .release))]
#endif

import Foundation

// Layers point downward only: asrlens → TUI → Analysis → Model → C shims (see DESIGN.md).
let package = Package(
    name: "asrlens",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "asrlens", targets: ["asrlens"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(name: "CNcursesw", pkgConfig: "ncursesw",
                       providers: [.apt(["libncurses-dev"])]),
        .systemLibrary(name: "CSndfile", pkgConfig: "sndfile",
                       providers: [.apt(["libsndfile1-dev"])]),
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "COpusfile", pkgConfig: "opusfile",
                       providers: [.apt(["libopusfile-dev"])]),
        .systemLibrary(name: "CSoxr", pkgConfig: "soxr",
                       providers: [.apt(["libsoxr-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib",
                       providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CCrypto", pkgConfig: "libcrypto",
                       providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CZip", pkgConfig: "libzip",
                       providers: [.apt(["libzip-dev"])]),
        .systemLibrary(name: "CMalloc"),
        .systemLibrary(name: "CWcwidth"),
        .target(name: "CKernels"),
        .target(
            name: "Model",
            dependencies: ["COpenBLAS", "CSndfile", "COpusfile", "CSoxr", "CZlib", "CCrypto", "CZip", "CMalloc", "CKernels"],
            swiftSettings: fastMath
        ),
        .target(name: "Analysis", dependencies: ["Model", "CWcwidth"]),
        .target(name: "TUI", dependencies: ["Analysis", "CNcursesw"]),
        .executableTarget(
            name: "asrlens",
            dependencies: [
                "Model", "Analysis", "TUI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "ModelTests", dependencies: ["Model"]),
        .testTarget(name: "AnalysisTests", dependencies: ["Analysis"]),
        .testTarget(name: "TUITests", dependencies: ["TUI"]),
        .testTarget(name: "EndToEndTests", dependencies: ["Model"]),
    ]
)

// libFuzzer targets, built only by scripts/fuzz.sh (ASRLENS_FUZZ=1 swift build --sanitize=fuzzer,address).
if ProcessInfo.processInfo.environment["ASRLENS_FUZZ"] != nil {
    for (name, deps) in [("ModelFile", ["Model"]), ("Audio", ["Model"]), ("Tokenizer", ["Model"]), ("Command", ["Model", "Analysis"]), ("PartFile", ["Model", "Analysis"]), ("TSV", ["Model", "Analysis"]), ("SafeTensors", ["Model"])] {
        package.targets.append(.executableTarget(name: "Fuzz\(name)", dependencies: deps.map { .target(name: $0) },
                                                 path: "Fuzz/\(name)", swiftSettings: [.unsafeFlags(["-parse-as-library"])]))
    }
}
