import Foundation
import Model
import Testing

/// Inputs that scripts/fuzz.sh found crashing, kept as tests (Tests/Fixtures/fuzz).
@Suite struct FuzzRegressionTests {
    static let dir = TestSupport.root.appendingPathComponent("Tests/Fixtures/fuzz")

    /// A shape whose element count overflows Int trapped while checking the payload size.
    @Test func aShapeThatOverflowsIsRefusedWithOneMessage() throws {
        let data = try Data(contentsOf: Self.dir.appendingPathComponent("model-shape-overflow.bin"))
        #expect(throws: InputError.self) { try ModelFile(data: data, source: "fuzz") }
        do { _ = try ModelFile(data: data, source: "fuzz") } catch let e as InputError {
            #expect(e.problem.contains("impossibly large shape"), "\(e)")
        }
    }

    /// A FLAC header claiming billions of frames made the reader reserve 139 GB up front, which
    /// fails (and crashes) on any machine; now it reads what is there and says it is empty.
    @Test func aHugeFrameCountInTheHeaderAllocatesNothingHuge() throws {
        #expect(throws: InputError.self) { try AudioFile.load(Self.dir.appendingPathComponent("audio-huge-frame-count.flac").path) }
    }
}
