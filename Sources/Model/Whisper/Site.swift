#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// A named activation in the model, following TransformerLens hook points (DESIGN.md "Sites").
///
/// CLI form: `enc.3.resid_post`, `enc.2.head.5`, `enc.out`, `dec.1.cross_out`, `dec.0.cross_head.2`,
/// `dec.0.self_head.2`.
public struct Site: Hashable, Sendable, CustomStringConvertible {
    public enum Stack: String, Sendable { case encoder = "enc", decoder = "dec" }

    /// Where in a block the activation sits.
    public enum Point: Hashable, Sendable {
        case residPre, attnOut, mlpOut, residPost, head(Int)       // encoder blocks
        case selfOut, crossOut, crossHead(Int), selfHead(Int)      // decoder blocks (+ residPre, mlpOut, residPost)
        case out                                                   // enc.out, after ln_post

        /// The points of every encoder block that are not heads, in the order lists show them.
        public static let encoderComponents: [Point] = [.residPre, .attnOut, .mlpOut, .residPost]
        /// The same for decoder blocks.
        public static let decoderComponents: [Point] = [.residPre, .selfOut, .crossOut, .mlpOut, .residPost]

        /// The components of a block of `stack`.
        public static func components(_ stack: Stack) -> [Point] { stack == .encoder ? encoderComponents : decoderComponents }

        /// Every point of a block of `stack` whose attention has `heads` heads: its components,
        /// then its heads (a decoder's cross and self heads alternate, head by head).
        public static func all(_ stack: Stack, heads: Int) -> [Point] {
            components(stack) + (0..<heads).flatMap { h in stack == .encoder ? [Point.head(h)] : [.crossHead(h), .selfHead(h)] }
        }

        /// The point named `name` in a block of `stack` (`resid_post`, `head.3`), or nil. Head
        /// numbers are not checked against a model here.
        public init?(name: String, in stack: Stack) {
            if let c = Self.components(stack).first(where: { $0.name == name }) { self = c; return }
            let kinds: [(String, (Int) -> Point)] = stack == .encoder ? [("head.", Point.head)] : [("cross_head.", Point.crossHead), ("self_head.", Point.selfHead)]
            guard let (prefix, make) = kinds.first(where: { name.hasPrefix($0.0) }), let h = Int(name.dropFirst(prefix.count)) else { return nil }
            self = make(h)
        }

        /// The grammar's name: `resid_post`, `head.3`, `cross_head.2`, `out`.
        public var name: String {
            switch self {
            case .residPre: return "resid_pre"
            case .attnOut: return "attn_out"
            case .mlpOut: return "mlp_out"
            case .residPost: return "resid_post"
            case .head(let h): return "head.\(h)"
            case .selfOut: return "self_out"
            case .crossOut: return "cross_out"
            case .crossHead(let h): return "cross_head.\(h)"
            case .selfHead(let h): return "self_head.\(h)"
            case .out: return "out"
            }
        }
    }

    public let stack: Stack
    /// Block index; for `enc.out` it is the number of encoder layers.
    public let layer: Int
    public let point: Point

    public init(_ stack: Stack, _ layer: Int, _ point: Point) {
        self.stack = stack
        self.layer = layer
        self.point = point
    }

    /// `enc.out`.
    public static func encoderOut(layers: Int) -> Site { Site(.encoder, layers, .out) }

    public var description: String {
        point == .out ? "enc.out" : "\(stack.rawValue).\(layer).\(point.name)"
    }

    /// The TransformerLens spelling, e.g. `encoder.blocks.3.hook_resid_post`.
    public var transformerLensName: String {
        let stackName = stack == .encoder ? "encoder" : "decoder"
        switch point {
        case .out: return "encoder.ln_post.hook_normalized"
        case .head(let h): return "encoder.blocks.\(layer).attn.hook_z.\(h)"
        case .crossHead(let h): return "decoder.blocks.\(layer).cross_attn.hook_z.\(h)"
        case .selfHead(let h): return "decoder.blocks.\(layer).attn.hook_z.\(h)"
        case .selfOut: return "decoder.blocks.\(layer).hook_attn_out"
        case .crossOut: return "decoder.blocks.\(layer).hook_cross_attn_out"
        default: return "\(stackName).blocks.\(layer).hook_\(point.name)"
        }
    }

    static let encoderPoints = Point.encoderComponents.map(\.name) + ["head.H"]
    static let decoderPoints = Point.decoderComponents.map(\.name) + ["cross_head.H", "self_head.H"]

    /// Every site of a model: `enc.out`, each encoder layer's points, each decoder layer's.
    public static func all(_ hyper: Hyperparameters) -> [Site] {
        [.encoderOut(layers: hyper.encoderLayers)]
            + (0..<hyper.encoderLayers).flatMap { l in Point.all(.encoder, heads: hyper.encoderHeads).map { Site(.encoder, l, $0) } }
            + (0..<hyper.decoderLayers).flatMap { l in Point.all(.decoder, heads: hyper.decoderHeads).map { Site(.decoder, l, $0) } }
    }

    /// The sites a pattern names: one site in the CLI form, or a glob in which `*` stands for any
    /// text (`enc.*.resid_post`, `dec.1.cross_head.*`, `dec.*`), in `all`'s order.
    public static func matching(_ pattern: String, hyper: Hyperparameters) throws -> [Site] {
        guard pattern.contains("*") || pattern.contains("?") || pattern.contains("[") else { return [try parse(pattern, hyper: hyper)] }
        let sites = all(hyper).filter { fnmatch(pattern, $0.description, 0) == 0 }
        guard !sites.isEmpty else { throw InputError(pattern, "matches no site of this model (sites look like enc.3.resid_post, enc.out, dec.1.cross_head.2)") }
        return sites
    }

    /// Parses the CLI form and checks layer and head against the model's sizes.
    public static func parse(_ text: String, hyper: Hyperparameters) throws -> Site {
        let allowed = "enc.L.{\(encoderPoints.joined(separator: ","))}, enc.out, dec.L.{\(decoderPoints.joined(separator: ","))}"
        if text == "enc.out" { return .encoderOut(layers: hyper.encoderLayers) }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 3, let stack = Stack(rawValue: parts[0]) else {
            throw InputError(text, "unknown site (allowed: \(allowed))")
        }
        let layers = stack == .encoder ? hyper.encoderLayers : hyper.decoderLayers
        let heads = stack == .encoder ? hyper.encoderHeads : hyper.decoderHeads
        guard let layer = Int(parts[1]) else { throw InputError(text, "unknown site (allowed: \(allowed))") }
        guard (0..<layers).contains(layer) else {
            throw InputError(text, "layer \(layer) out of range (the \(stack == .encoder ? "encoder" : "decoder") has layers 0 to \(layers - 1))")
        }
        guard let point = Point(name: parts[2...].joined(separator: "."), in: stack) else {
            let points = (stack == .encoder ? encoderPoints : decoderPoints).filter { !$0.contains("head") }
            let meant = Suggestion.nearest(to: parts[2...].joined(separator: "."), among: points).map { "; did you mean \(parts[0]).\(layer).\($0)?" } ?? ""
            throw InputError(text, "unknown site\(meant) (allowed: \(allowed))")
        }
        switch point {
        case .head(let h), .crossHead(let h), .selfHead(let h):
            guard (0..<heads).contains(h) else { throw InputError(text, "head \(h) out of range (heads 0 to \(heads - 1))") }
        default: break
        }
        return Site(stack, layer, point)
    }
}

/// Rewrites one activation of an encoder or decoder block in place. A head point (`.head(h)`,
/// `.selfHead(h)`, `.crossHead(h)`) sees the concatenated per-head attention context before the
/// output projection, once per head.
public typealias BlockHook = (_ point: Site.Point, _ value: inout Matrix) -> Void
