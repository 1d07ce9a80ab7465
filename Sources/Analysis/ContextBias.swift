import Foundation
import Model

/// The paper's contextual-bias finding, measured on synthetic sentences: a voice speaks a context
/// that predicts one word, then a different, similar-sounding word. Does the transcript follow
/// the context or the sound, and how does patching encoder (and, for comparison, decoder)
/// components from a reference run in which the context is silent change that?
public enum ContextBias {
    public struct Item: Sendable {
        public let context: String
        /// The word the context predicts.
        public let expected: String
        /// The word actually spoken.
        public let spoken: String
    }

    public static let items: [Item] = [
        ("Please pass the salt and", "pepper", "paper"), ("He opened the front door with his", "key", "knee"),
        ("The cow gave us fresh", "milk", "silk"), ("She signed the letter with a", "pen", "pin"),
        ("The bird built a", "nest", "vest"), ("The fish swam in the", "water", "waiter"),
        ("He hit the nail with a", "hammer", "hamper"), ("The happy dog wagged its", "tail", "pail"),
        ("We rowed across the lake in a", "boat", "goat"), ("The king wore a golden", "crown", "clown"),
        ("I ate my soup with a", "spoon", "moon"), ("He sliced the bread with a", "knife", "wife"),
        ("The mouse nibbled the", "cheese", "keys"), ("She lit the candle with a", "match", "patch"),
        ("He paid for dinner with his credit", "card", "cart"), ("The bees make sweet", "honey", "money"),
        ("He drank a pint of cold", "beer", "deer"), ("The children played ball in the", "park", "bark"),
        ("The doctor listened to my", "heart", "hat"), ("He cut the wood with a", "saw", "sore"),
        ("The baby drank milk from a", "bottle", "battle"), ("She washed her hands with", "soap", "soup"),
        ("The sun rises in the", "east", "yeast"), ("The cat chased the", "mouse", "mouth"),
        ("He kicked the", "ball", "bowl"), ("The roses grew in the", "garden", "pardon"),
        ("She wore a warm coat because it was", "cold", "gold"), ("Every morning I drink a cup of", "coffee", "toffee"),
        ("The farmer milked the", "goat", "coat"), ("At the beach we built a sand", "castle", "tassel"),
        ("She put the cold milk back in the", "fridge", "bridge"), ("Twinkle twinkle little", "star", "car"),
        ("The baker pulled fresh loaves of", "bread", "thread"), ("The cowboy jumped onto his", "horse", "course"),
        ("In the corner a spider spun a", "web", "wed"), ("For breakfast the hen laid an", "egg", "leg"),
        ("The farmer planted corn in the", "field", "shield"), ("She poured hot tea into a", "cup", "pup"),
        ("The baby was asleep in her", "crib", "rib"), ("He swept the kitchen floor with a", "broom", "groom"),
        ("The queen sat on her golden", "throne", "phone"), ("We cooked the soup on the", "stove", "cove"),
        ("The hungry dog chewed on a", "bone", "cone"), ("The children heard the school", "bell", "shell"),
        ("The angry lion let out a loud", "roar", "door"), ("She tied a ribbon in her", "hair", "chair"),
        ("The ship sailed across the", "sea", "tea"), ("Rain fell from the dark", "clouds", "crowds"),
        ("The carpenter hammered in a", "nail", "mail"), ("She drank a glass of orange", "juice", "goose"),
        ("Wipe your feet on the door", "mat", "bat"), ("He put on his socks and", "shoes", "news"),
        ("The owl hooted all through the", "night", "kite"), ("To ask a question the student raised her", "hand", "sand"),
        ("The snake slowly shed its", "skin", "tin"),
    ].map { Item(context: $0.0, expected: $0.1, spoken: $0.2) }

    /// A spoken item: the context, 150 ms of silence, then the word. `reference` is the same
    /// clip with the context silenced, so the word sits at the same frames.
    public struct Clip: Sendable {
        public let item: Item
        public let samples: [Float]
        public let reference: [Float]
        /// Encoder frames (20 ms) of the context and of the spoken word.
        public let contextFrames: Range<Int>
        public let wordFrames: Range<Int>
    }

    /// The voices every item is spoken in: two synthesizers' worth of male and female voices.
    public static let voices: [Voice] = [("en-us+m3", Synthesizer.espeak), ("en-us+f3", .espeak), ("slt", .flite), ("kal_diphone", .festival)]
        .map { name, synth in synth.voices.first { $0.name == name }! }

    /// `item` in `voice` at 160 words a minute (espeak-ng's scale; others stretch to match).
    public static func synthesize(_ item: Item, voice: Voice = voices[0]) throws -> Clip {
        let context = try voice.synthesizer.speak(item.context, voice: voice, stretch: 175 / 160)
        let word = try voice.synthesizer.speak(item.spoken, voice: voice, stretch: 175 / 160)
        let gap = [Float](repeating: 0, count: AudioFile.sampleRate * 15 / 100)
        let start = context.count + gap.count
        let perFrame = AudioFile.sampleRate / 50
        let wordFrames = (start / perFrame)..<min(1500, (start + word.count + perFrame - 1) / perFrame)
        return Clip(item: item, samples: context + gap + word, reference: [Float](repeating: 0, count: start) + word,
                    contextFrames: 0..<(start / perFrame), wordFrames: wordFrames)
    }

    public enum Outcome: String, Sendable { case context, sound, other }

    /// Whether a transcript has the context's word, the spoken word, or neither.
    public static func outcome(_ text: String, _ item: Item) -> Outcome {
        let words = Set(text.lowercased().split { !$0.isLetter }.map(String.init))
        if words.contains(item.expected) && !words.contains(item.spoken) { return .context }
        if words.contains(item.spoken) { return .sound }
        return .other
    }

    /// The patches tried per item, all from the reference in which the context is silent: for
    /// each encoder layer, the word's frames of `attn_out` (what self-attention brings in from the
    /// context) and the context's frames of `resid_post`; for each decoder layer, `cross_out` over
    /// every token (what the decoder reads from the audio), the decoder-side comparison.
    public static func patches(_ clip: Clip, encoderLayers: Int, decoderLayers: Int) -> [(family: String, layer: Int, patch: Patch)] {
        let reference = PatchSource.samples(.init("\(clip.item.spoken) without its context", clip.reference))
        let encoder = (0..<encoderLayers).flatMap { l in
            [("enc attn_out on the word", l, Patch(site: Site(.encoder, l, .attnOut), positions: .range(clip.wordFrames), source: reference)),
             ("enc resid_post on the context", l, Patch(site: Site(.encoder, l, .residPost), positions: .range(clip.contextFrames), source: reference))]
        }
        return encoder + (0..<decoderLayers).map { l in ("dec cross_out on every token", l, Patch(site: Site(.decoder, l, .crossOut), positions: .all, source: reference)) }
    }

    /// One item's results: the clean outcome, the word alone, and each patch's.
    public struct Result: Sendable {
        public let item: Item
        public let voice: Voice
        public let text: String
        public let clean: Outcome
        public let alone: Outcome
        public let patched: [(family: String, layer: Int, outcome: Outcome, text: String)]
    }

    public static func measure(model: WhisperModel, clip: Clip, voice: Voice = voices[0]) throws -> Result {
        let engine = try Engine(model: model, samples: clip.samples)
        let alone = try Engine(model: model, samples: clip.reference).clean.text
        let patched = try patches(clip, encoderLayers: model.hyper.encoderLayers, decoderLayers: model.hyper.decoderLayers).map { family, layer, patch in
            let run = try engine.run(PatchSet([patch]), useMemo: false)
            return (family, layer, outcome(run.text, clip.item), run.text)
        }
        return Result(item: clip.item, voice: voice, text: engine.clean.text, clean: outcome(engine.clean.text, clip.item),
                      alone: outcome(alone, clip.item), patched: patched)
    }
}

extension ContextBias {
    /// Results over all items: the share of sentences per outcome under each condition.
    public struct Summary: Codable, Sendable {
        public struct Condition: Codable, Sendable {
            public let condition: String
            /// The layer patched (encoder or decoder, as `condition` says); nil for the clean run and the word alone.
            public let layer: Int?
            public let context: Double, sound: Double, other: Double
            /// For a patch: paired against the clean run on "the transcript follows the context"
            /// (b: followed clean, not patched; c: the reverse).
            public var test: McNemar? = nil

            public init(condition: String, layer: Int?, context: Double, sound: Double, other: Double, test: McNemar? = nil) {
                self.condition = condition; self.layer = layer; self.context = context; self.sound = sound; self.other = other; self.test = test
            }
        }

        public struct Example: Codable, Sendable {
            public let context: String, spoken: String, expected: String, text: String, voice: String
        }

        public let sentences: Int
        /// The items, and the voices each was spoken in ("espeak-ng en-us+m3").
        public let items: Int, voices: [String]
        public let clean: Condition, alone: Condition
        public let patched: [Condition]
        /// Transcripts that followed the context (the first six).
        public let examples: [Example]

        public init(_ results: [Result]) {
            sentences = results.count
            items = Set(results.map(\.item.context)).count
            voices = results.reduce(into: [String]()) { seen, r in
                let name = "\(r.voice.synthesizer.rawValue) \(r.voice.name)"
                if !seen.contains(name) { seen.append(name) }
            }
            func shares(_ name: String, _ layer: Int?, _ outcomes: [Outcome]) -> Condition {
                let n = Double(max(1, outcomes.count))
                func share(_ o: Outcome) -> Double { Double(outcomes.filter { $0 == o }.count) / n }
                return Condition(condition: name, layer: layer, context: share(.context), sound: share(.sound), other: share(.other))
            }
            clean = shares("clean", nil, results.map(\.clean))
            alone = shares("the word alone (context silent)", nil, results.map(\.alone))
            patched = (results.first?.patched.indices).map { ks in
                ks.map { k in
                    var condition = shares("patch \(results[0].patched[k].family)", results[0].patched[k].layer, results.map { $0.patched[k].outcome })
                    condition.test = McNemar(b: results.filter { $0.clean == .context && $0.patched[k].outcome != .context }.count,
                                             c: results.filter { $0.clean != .context && $0.patched[k].outcome == .context }.count)
                    return condition
                }
            } ?? []
            examples = results.filter { $0.clean == .context }.prefix(6).map {
                Example(context: $0.item.context, spoken: $0.item.spoken, expected: $0.item.expected, text: $0.text,
                        voice: "\($0.voice.synthesizer.rawValue) \($0.voice.name)")
            }
        }

        /// The patch of one side (`"enc"` or `"dec"`) after which the fewest transcripts follow
        /// the context (the first such); the clean run when that side has none.
        public func strongest(_ side: String) -> Condition {
            patched.filter { $0.condition.hasPrefix("patch \(side) ") }.min { $0.context < $1.context } ?? clean
        }
    }
}
