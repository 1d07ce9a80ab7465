import Testing
import Model

/// Error messages stay one readable line whatever the input: a pasted megabyte is cut.
@Suite struct InputErrorTests {
    @Test func aHugeSubjectIsCutAndSaysHowLongItWas() {
        let e = InputError(String(repeating: "a", count: 5_000_000), "not a command")
        #expect(e.description == String(repeating: "a", count: 200) + "… (5000000 bytes): not a command")
        let path = "/data/" + String(repeating: "x", count: 300) + ".wav"
        #expect(InputError(path, "no such file").subject == path, "a long path (up to 400 bytes) is kept whole")
    }
}
