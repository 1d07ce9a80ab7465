import Foundation
import Testing

/// `asrlens` runs the best kernels the CPU has, even where OpenBLAS does not know the CPU.
struct BLASKernelCLITests {
    static let withoutAVX2: Set<String> = ["Katmai", "Coppermine", "Northwood", "Prescott", "Banias", "Atom", "Core2", "Penryn",
                                           "Dunnington", "Nehalem", "Opteron", "Opteron_SSE3", "Barcelona", "Bobcat", "Sandybridge"]

    static func kernels(_ r: CLIRunner.Result) -> String? {
        guard let open = r.stdout.range(of: "(OpenBLAS "), let close = r.stdout.range(of: " kernels)") else { return nil }
        return String(r.stdout[open.upperBound..<close.lowerBound])
    }

    static var cpuHasAVX2: Bool {
        let info = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        guard let flags = info.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else { return false }
        let set = Set(flags.split(separator: " "))
        return set.contains("avx2") && set.contains("fma")
    }

    @Test func aCPUWithAVX2NeverRunsPreAVX2Kernels() throws {
        let r = try CLIRunner.run(["--version"], unset: ["OPENBLAS_CORETYPE"])
        #expect(r.status == 0, "\(r.stderr)")
        let core = try #require(Self.kernels(r), "no kernel family in: \(r.stdout)")
        if Self.cpuHasAVX2 { #expect(!Self.withoutAVX2.contains(core), "runs \(core) kernels on an AVX2 CPU") }
    }

    @Test func theUsersOwnKernelChoiceStands() throws {
        let r = try CLIRunner.run(["--version"], environment: ["OPENBLAS_CORETYPE": "Prescott"])
        #expect(Self.kernels(r) == "Prescott", "\(r.stdout)")
    }
}
