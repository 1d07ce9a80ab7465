import Model
import Testing

/// The rule that replaces OpenBLAS's fallback kernels on a CPU it did not recognise.
struct BLASCoreTests {
    static let sapphireRapids: Set<String> = ["sse4_2", "avx", "avx2", "fma", "avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"]

    @Test func anUnrecognisedAVX512CPUGetsTheSkylakeXKernels() {
        #expect(BLASCore.override(current: "Prescott", cpuFlags: Self.sapphireRapids) == "SkylakeX")
    }

    @Test func anUnrecognisedAVX2CPUGetsTheHaswellKernels() {
        #expect(BLASCore.override(current: "Prescott", cpuFlags: ["sse4_2", "avx", "avx2", "fma"]) == "Haswell")
        #expect(BLASCore.override(current: "Sandybridge", cpuFlags: ["avx", "avx2", "fma", "avx512f"]) == "Haswell")
    }

    @Test func openBLASOwnChoiceStandsWhenItRecognisedTheCPU() {
        #expect(BLASCore.override(current: "Haswell", cpuFlags: Self.sapphireRapids) == nil)
        #expect(BLASCore.override(current: "Zen", cpuFlags: Self.sapphireRapids) == nil)
        #expect(BLASCore.override(current: "SkylakeX", cpuFlags: Self.sapphireRapids) == nil)
    }

    @Test func aCPUWithoutAVX2KeepsTheFallback() {
        #expect(BLASCore.override(current: "Prescott", cpuFlags: ["sse3", "sse4_2", "avx"]) == nil)
        #expect(BLASCore.override(current: "Prescott", cpuFlags: []) == nil)
    }
}
