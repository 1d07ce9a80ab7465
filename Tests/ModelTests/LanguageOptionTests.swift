import Testing
import Model

/// `--language` takes Whisper's lower-case codes; a language's name, in English or in itself,
/// is refused with the code to give instead.
@Suite struct LanguageOptionTests {
    @Test(arguments: [("German", "de"), ("english", "en"), ("Deutsch", "de"), ("francais", "fr"), ("Español", "es"), ("日本語", "ja"), ("中文", "zh"),
                      ("mandarin", "zh"), ("Castilian", "es"), ("javanese", "jw"), ("Myanmar", "my"), ("tagalog", "tl")])
    func aLanguagesNameIsRefusedWithItsCode(name: String, code: String) {
        #expect(throws: InputError("--language '\(name)'", "a language's name, not its code: use --language \(code)")) { try Transcriber.checkCode(name) }
    }

    @Test func codesPassAndUpperCaseCodesAreShownLowerCase() throws {
        for code in ["en", "de", "haw", "yue", "jw"] { try Transcriber.checkCode(code) }
        #expect(throws: InputError("--language 'EN'", "not a language code (lower-case, such as en or de): use --language en")) { try Transcriber.checkCode("EN") }
        #expect(throws: InputError("--language ''", "not a language code (lower-case, such as en or de)")) { try Transcriber.checkCode("") }
    }

    /// Locale tags and "auto" are what other tools take; each gets the form Whisper's needs.
    @Test func regionTagsAndAutoAreRefusedWithWhatToGive() {
        for (tag, code) in [("fr-FR", "fr"), ("pt_BR", "pt"), ("zh-cn", "zh"), ("zh-Hans", "zh")] {
            #expect(throws: InputError("--language '\(tag)'", "Whisper's codes carry no region or script: use --language \(code)")) { try Transcriber.checkCode(tag) }
        }
        #expect(throws: InputError("--language 'auto'", "omit --language and the language is detected (on multilingual models)")) { try Transcriber.checkCode("auto") }
        #expect(throws: InputError("--language 'en '", "a code holds no spaces: use --language en")) { try Transcriber.checkCode("en ") }
    }

    /// A language Whisper does not have is no name to turn into a code: ISO's would be unknown
    /// to every Whisper model (a trial was sent from `klingon` to `tlh`).
    @Test func namesOfLanguagesWhisperLacksGetNoCode() throws {
        for name in ["klingon", "esperanto", "irish"] { try Transcriber.checkCode(name) }   // left to the model's list of codes
    }

    /// Cantonese is a Whisper language (large-v3's), not base's: its name was answered with
    /// `yue`, which base then refused as unknown. Both say so at once.
    @Test func aWhisperLanguageTheModelLacksIsRefusedAsThat() throws {
        let base = try TestSupport.model("base")
        #expect(throws: InputError("--language 'cantonese'", "its code, yue, is not one of model base's 99 languages")) {
            try Transcriber.checkCode("cantonese", model: base)
        }
        let error = #expect(throws: InputError.self) {
            try Transcriber(model: base).language(features: Matrix(zeros: 80, 100), requested: "yue")
        }
        #expect(error?.problem.hasPrefix("a Whisper code, but not one of model base's 99 languages (known: en zh") == true)
    }

    /// English by name, or with a region, on an English-only model is English: it was answered "model tiny.en is
    /// English-only", as if another language had been asked for.
    @Test func englishByNameOnAnEnglishOnlyModelGetsItsCode() throws {
        let transcriber = Transcriber(model: try TestSupport.model("tiny.en"))
        #expect(throws: InputError("--language 'English'", "a language's name, not its code: use --language en")) {
            try transcriber.check(.init(language: "English"))
        }
        #expect(throws: InputError("--language 'en-US'", "Whisper's codes carry no region or script: use --language en")) {
            try transcriber.check(.init(language: "en-US"))
        }
        #expect(throws: InputError("--language 'eng'", "an ISO 639-2 code; Whisper's code for the language is en: use --language en")) {
            try transcriber.check(.init(language: "eng"))
        }
        #expect(throws: InputError("--language 'deu'", "an ISO 639-2 code; Whisper's code for the language is de: use --language de")) {
            try Transcriber.checkCode("deu")
        }
        try Transcriber.checkCode("haw")
        #expect(throws: InputError("--language 'German'", "model tiny.en is English-only; use --language en or a multilingual model")) {
            try transcriber.check(.init(language: "German"))
        }
    }
}
