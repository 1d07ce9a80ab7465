/// A tensor with a name, as activation files (`.safetensors`, `.npz`) hold them: row-major
/// values and their shape.
public struct NamedTensor: Sendable, Equatable {
    public enum Values: Sendable, Equatable {
        case float32([Float])
        case int32([Int32])

        public var count: Int {
            switch self {
            case .float32(let v): v.count
            case .int32(let v): v.count
            }
        }
    }

    public let name: String
    public let shape: [Int]
    public let values: Values

    public init(name: String, shape: [Int], values: Values) {
        precondition(shape.reduce(1, *) == values.count, "\(name): \(values.count) values do not fill the shape \(shape)")
        self.name = name; self.shape = shape; self.values = values
    }

    /// A matrix as a 2-D float32 tensor.
    public init(name: String, _ m: Matrix) { self.init(name: name, shape: [m.rows, m.cols], values: .float32(m.data)) }

    /// The values as little-endian bytes (every platform asrlens runs on is little-endian).
    public var littleEndianBytes: [UInt8] {
        switch values {
        case .float32(let v): v.withUnsafeBytes { Array($0) }
        case .int32(let v): v.withUnsafeBytes { Array($0) }
        }
    }
}
