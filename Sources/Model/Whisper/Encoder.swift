/// Whisper's audio encoder: conv1, GELU, conv2 (stride 2), GELU, + positions, blocks, ln_post.
public struct Encoder: Sendable {
    public let conv1: Linear       // [D, M·3], kernel 3, stride 1, padding 1
    public let conv2: Linear       // [D, D·3], kernel 3, stride 2, padding 1
    public let positions: Matrix   // [1500, D], the stored sinusoid table (spec §3.3)
    public let blocks: [EncoderBlock]
    public let lnPost: LayerNorm

    /// Log-mel features [M, T] → the residual stream entering block 0, [ceil(T/2), D].
    public func embed(_ features: Matrix) -> Matrix {
        var h = conv1(Self.im2col(channelsFirst: features, stride: 1))  // [T, D]
        Activation.gelu(&h)
        var x = conv2(Self.im2col(positionsFirst: h, stride: 2))       // [T/2, D]
        Activation.gelu(&x)
        precondition(x.rows <= positions.rows, "encoder input longer than the position table")
        x.data.withUnsafeMutableBufferPointer { xb in
            positions.data.withUnsafeBufferPointer { pb in
                for i in 0..<xb.count { xb[i] += pb[i] }
            }
        }
        return x
    }

    /// The full encoder: features [M, T] → encoder output [ceil(T/2), D] after ln_post.
    public func callAsFunction(_ features: Matrix) -> Matrix {
        var x = embed(features)
        for block in blocks { x = block(x).residPost }
        return lnPost(x)
    }

    // MARK: - Convolution as a matrix product

    /// Unfolds a kernel-3, padding-1 convolution input into rows `[T_out, C·3]`
    /// with column c·3 + k holding input channel c at time stride·t + k − 1.
    /// The input is stored channels-first, `[C, T]` (the log-mel features).
    static func im2col(channelsFirst x: Matrix, stride: Int) -> Matrix {
        im2col(x, channels: x.rows, length: x.cols, channelStep: x.cols, timeStep: 1, stride: stride)
    }

    /// As above, for an input stored positions-first, `[T, C]` (conv1's output).
    static func im2col(positionsFirst x: Matrix, stride: Int) -> Matrix {
        im2col(x, channels: x.cols, length: x.rows, channelStep: 1, timeStep: x.cols, stride: stride)
    }

    /// The unfolding itself; input channel c at time s is `x.data[c·channelStep + s·timeStep]`.
    private static func im2col(_ x: Matrix, channels: Int, length: Int, channelStep: Int, timeStep: Int, stride: Int) -> Matrix {
        let outLength = (length - 1) / stride + 1
        var cols = Matrix(zeros: outLength, channels * 3)
        x.data.withUnsafeBufferPointer { src in
            cols.data.withUnsafeMutableBufferPointer { dst in
                for t in 0..<outLength {
                    let row = t * channels * 3
                    for k in 0..<3 {
                        let s = stride * t + k - 1
                        guard s >= 0 && s < length else { continue }
                        for c in 0..<channels { dst[row + c * 3 + k] = src[c * channelStep + s * timeStep] }
                    }
                }
            }
        }
        return cols
    }
}
