import Model
import Testing

/// Unknown-command messages name the command a typo most likely meant, and only a close one.
@Suite struct SuggestionTests {
    let commands = ["explore", "transcribe", "lens", "encoder-lens", "attention", "patch", "sweep", "words", "probe", "run"]

    @Test func aTransposedOrDroppedLetterNamesTheCommandMeant() {
        #expect(Suggestion.nearest(to: "trasncribe", among: commands) == "transcribe")
        #expect(Suggestion.nearest(to: "swep", among: commands) == "sweep")
        #expect(Suggestion.nearest(to: "Patch", among: commands) == "patch")
        #expect(Suggestion.didYouMean("exprot", among: ["export", "exit"], prefix: ":") == "; did you mean :export?")
    }

    @Test func aWordFarFromEveryNameOrEquallyNearTwoSuggestsNothing() {
        #expect(Suggestion.nearest(to: "frobnicate", among: commands) == nil)
        #expect(Suggestion.nearest(to: "xy", among: commands) == nil)   // two edits from "run" is most of the word
        #expect(Suggestion.nearest(to: "lxns", among: ["lens", "lons"]) == nil)
        #expect(Suggestion.didYouMean("", among: commands) == "")
    }
}
