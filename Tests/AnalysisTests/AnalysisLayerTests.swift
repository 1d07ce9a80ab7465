import Testing
import Analysis

/// The Analysis layer builds on Model and links.
@Suite struct AnalysisLayerTests {
    @Test func analysisNamesTheLayerBelowIt() {
        #expect(Analysis.modelLayer == "Model")
    }
}
