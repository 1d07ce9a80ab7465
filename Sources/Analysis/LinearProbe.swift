import Foundation
import Model

/// L2-regularised multinomial logistic regression with stratified k-fold cross-validation:
/// the probe of paper-methods §3, one per layer.
public enum LinearProbe {
    /// A trained probe: per-feature standardisation and a [classes, D + 1] weight matrix (bias last).
    struct Fit {
        let mean: [Double], scale: [Double]
        let weights: [[Double]]

        func predict(_ x: [Float]) -> Int {
            let z = zip(zip(x, mean), scale).map { (Double($0.0) - $0.1) / $1 }
            var best = 0, bestScore = -Double.infinity
            for (k, w) in weights.enumerated() {
                var s = w[z.count]
                for j in z.indices { s += w[j] * z[j] }
                if s > bestScore { best = k; bestScore = s }
            }
            return best
        }
    }

    /// Fits on rows `x` with class ids `y`: features standardised on these rows, loss
    /// mean cross-entropy + ‖W‖² / (2·C·n) (scikit-learn's C), full-batch gradient descent.
    static func fit(_ x: [[Float]], _ y: [Int], classes: Int, c: Double = 1, iterations: Int = 300) -> Fit {
        let n = x.count, d = x[0].count, width = d + 1
        var mean = [Double](repeating: 0, count: d), scale = [Double](repeating: 0, count: d)
        for row in x { for j in 0..<d { mean[j] += Double(row[j]) } }
        for j in 0..<d { mean[j] /= Double(n) }
        for row in x { for j in 0..<d { let t = Double(row[j]) - mean[j]; scale[j] += t * t } }
        for j in 0..<d { scale[j] = max((scale[j] / Double(n)).squareRoot(), 1e-8) }
        // Standardised features twice: by row [n, d] for the gradient, by feature [d, n] so the
        // scores of 8 rows are one vector. Every sum is still taken in the order of the plain
        // loops (bias, then features 0…d−1; rows 0…n−1), only several at once.
        var z = [Double](repeating: 0, count: n * d), zT = [Double](repeating: 0, count: d * n)
        for i in 0..<n {
            for j in 0..<d {
                let v = (Double(x[i][j]) - mean[j]) / scale[j]
                z[i * d + j] = v
                zT[j * n + i] = v
            }
        }
        var w = [Double](repeating: 0, count: classes * width)   // [classes, D + 1], bias last
        var grad = w, scores = [Double](repeating: 0, count: n * classes)
        let lambda = 1 / (c * Double(n)), rate = 0.5
        z.withUnsafeBufferPointer { z in
            zT.withUnsafeBufferPointer { zT in
                w.withUnsafeMutableBufferPointer { w in
                    grad.withUnsafeMutableBufferPointer { grad in
                        scores.withUnsafeMutableBufferPointer { p in
                            for _ in 0..<iterations {
                                Self.scores(w, zT, rows: n, features: d, classes: classes, into: p)
                                grad.update(repeating: 0)
                                for i in 0..<n {
                                    let row = p.baseAddress! + i * classes
                                    var top = row[0]
                                    for k in 1..<classes where row[k] > top { top = row[k] }
                                    var sum = 0.0
                                    for k in 0..<classes { row[k] = exp(row[k] - top); sum += row[k] }
                                    for k in 0..<classes {
                                        let g = (row[k] / sum - (y[i] == k ? 1 : 0)) / Double(n)
                                        let gk = grad.baseAddress! + k * width, zi = z.baseAddress! + i * d
                                        for j in 0..<d { gk[j] += g * zi[j] }
                                        gk[d] += g
                                    }
                                }
                                for k in 0..<classes {
                                    let wk = w.baseAddress! + k * width, gk = grad.baseAddress! + k * width
                                    for j in 0..<d { wk[j] -= rate * (gk[j] + lambda * wk[j]) }
                                    wk[d] -= rate * gk[d]
                                }
                            }
                        }
                    }
                }
            }
        }
        return Fit(mean: mean, scale: scale, weights: (0..<classes).map { Array(w[($0 * width)..<(($0 + 1) * width)]) })
    }

    /// scores[i, k] = w[k, d] + Σ_j w[k, j] · zT[j, i], summed bias first then j = 0…d−1, for
    /// eight rows at a time.
    private static func scores(_ w: UnsafeMutableBufferPointer<Double>, _ zT: UnsafeBufferPointer<Double>,
                               rows n: Int, features d: Int, classes: Int, into p: UnsafeMutableBufferPointer<Double>) {
        let width = d + 1, wb = w.baseAddress!, zb = zT.baseAddress!
        var i = 0
        while i + 8 <= n {
            for k in 0..<classes {
                let wk = wb + k * width
                var s = SIMD8<Double>(repeating: wk[d])
                for j in 0..<d {
                    let column = UnsafeRawPointer(zb + j * n + i).loadUnaligned(as: SIMD8<Double>.self)
                    s += wk[j] * column
                }
                for l in 0..<8 { p[(i + l) * classes + k] = s[l] }
            }
            i += 8
        }
        for r in i..<n {
            for k in 0..<classes {
                let wk = wb + k * width
                var s = wk[d]
                for j in 0..<d { s += wk[j] * zb[j * n + r] }
                p[r * classes + k] = s
            }
        }
    }

    /// Fold of each row: within each class, units are shuffled (seeded) and dealt round-robin,
    /// so every fold holds about the same class mix. A unit is a row, or with `groups` every row
    /// of one group (e.g. one word in several voices), which then never straddles train and test.
    static func folds(_ y: [Int], k: Int, groups: [String]? = nil, seed: UInt64 = 1) -> [Int] {
        var rng = Gaussian(seed: seed)
        var unitOf = [Int](repeating: 0, count: y.count), unitClass: [Int] = []
        var index: [String: Int] = [:]
        for r in y.indices {
            let key = groups?[r] ?? String(r)
            if let u = index[key] { unitOf[r] = u; continue }
            index[key] = unitClass.count
            unitOf[r] = unitClass.count
            unitClass.append(y[r])
        }
        var unitFold = [Int](repeating: 0, count: unitClass.count)
        var next = 0
        for cls in Set(y).sorted() {
            var members = unitClass.indices.filter { unitClass[$0] == cls }
            for i in stride(from: members.count - 1, to: 0, by: -1) { members.swapAt(i, Int(rng.bits() % UInt64(i + 1))) }
            for u in members { unitFold[u] = next % k; next += 1 }
        }
        return unitOf.map { unitFold[$0] }
    }

    /// Held-out (correct, tested) per fold of a probe on features `x`; folds left empty by
    /// the grouping are dropped.
    static func crossValidate(_ x: [[Float]], _ y: [Int], classes: Int, folds k: Int, groups: [String]? = nil) -> [(correct: Int, tested: Int)] {
        let fold = folds(y, k: k, groups: groups)
        return (0..<k).compactMap { f in
            let train = x.indices.filter { fold[$0] != f }, test = x.indices.filter { fold[$0] == f }
            guard !test.isEmpty, !train.isEmpty else { return nil }
            let fit = fit(train.map { x[$0] }, train.map { y[$0] }, classes: classes)
            return (test.filter { fit.predict(x[$0]) == y[$0] }.count, test.count)
        }
    }

    /// One layer's result: the held-out accuracy pooled over folds (each row is held out once,
    /// so `interval.trials` is the number of rows) with its 95% Wilson interval, and the
    /// standard deviation of the per-fold accuracies.
    public struct Layer: Sendable, Equatable, Encodable {
        public let layer: Int
        public let accuracy: Double
        public let std: Double
        public let interval: WilsonInterval

        public init(layer: Int, accuracy: Double, std: Double, interval: WilsonInterval) {
            self.layer = layer; self.accuracy = accuracy; self.std = std; self.interval = interval
        }

        enum Keys: String, CodingKey { case layer, accuracy, std, low, high }
        /// `low`, `high`: the 95% Wilson interval.
        public func encode(to encoder: Swift.Encoder) throws {
            var c = encoder.container(keyedBy: Keys.self)
            try c.encode(layer, forKey: .layer); try c.encode(accuracy, forKey: .accuracy); try c.encode(std, forKey: .std)
            try c.encode(interval.low, forKey: .low); try c.encode(interval.high, forKey: .high)
        }
    }

    /// Every layer's probe trained on the rows where `heldOut` is false and tested on the rest
    /// (one split, no folds: `std` is 0). `features[clip][layer]` as for `run`; the classes are
    /// those of all rows, so a class missing from training simply cannot be predicted.
    public static func heldOut(features: [[[Float]]], labels: [String], heldOut: [Bool]) -> [Layer] {
        let classes = Array(Set(labels)).sorted()
        let y = labels.map { classes.firstIndex(of: $0)! }
        let train = labels.indices.filter { !heldOut[$0] }, test = labels.indices.filter { heldOut[$0] }
        guard !train.isEmpty, !test.isEmpty, let layers = features.first?.count else { return [] }
        return (0..<layers).map { l in
            let fit = fit(train.map { features[$0][l] }, train.map { y[$0] }, classes: classes.count)
            let correct = test.filter { fit.predict(features[$0][l]) == y[$0] }.count
            return Layer(layer: l, accuracy: Double(correct) / Double(test.count), std: 0, interval: WilsonInterval(successes: correct, trials: test.count))
        }
    }

    /// Every layer's probe: the classes, the majority baseline (the commonest class's share of
    /// the rows: the most any constant answer scores), each layer's accuracy, and how many folds
    /// held rows (fewer than asked when there are fewer groups than folds).
    public typealias Result = (classes: [String], baseline: Double, layers: [Layer], folds: Int)

    /// Probes every layer: `features[clip][layer]` against `labels[clip]`; `groups[clip]`, when
    /// given, keeps each group's clips in one fold. `source` names the data in errors: features
    /// of different shapes (a part file or a cache from another model), fewer than 2 folds or
    /// groups cannot be cross-validated.
    public static func run(features: [[[Float]]], labels: [String], folds k: Int, groups: [String]? = nil, source: String = "probe",
                           progress: (Int, Int) -> Void = { _, _ in }) throws -> Result {
        guard k >= 2 else { throw InputError(source, "\(k) folds; cross-validation needs at least 2") }
        guard features.count == labels.count, groups.map({ $0.count == labels.count }) ?? true else {
            throw InputError(source, "\(features.count) feature rows for \(labels.count) labels")
        }
        let shape = features.first.map { ($0.count, $0.first?.count ?? 0) } ?? (0, 0)
        guard shape.0 > 0, shape.1 > 0 else { throw InputError(source, "holds no features to probe") }
        if let bad = features.firstIndex(where: { $0.count != shape.0 || $0.contains { $0.count != shape.1 } }) {
            throw InputError(source, "row \(bad + 1)'s features are not \(shape.0) layers of \(shape.1) values like the first row's")
        }
        if let groups, Set(groups).count < 2 {
            throw InputError(source, "every row is in one group (\(groups.first ?? "")); grouped cross-validation needs at least 2 groups")
        }
        let classes = Array(Set(labels)).sorted()
        let y = labels.map { classes.firstIndex(of: $0)! }
        let baseline = Double(classes.map { c in labels.filter { $0 == c }.count }.max() ?? 0) / Double(max(1, labels.count))
        let layerCount = features.first?.count ?? 0
        var layers: [Layer] = []
        var folds = 0
        for l in 0..<layerCount {
            let counts = crossValidate(features.map { $0[l] }, y, classes: classes.count, folds: k, groups: groups)
            layers.append(Self.layer(l, counts))
            folds = counts.count
            progress(l + 1, layerCount)
        }
        return (classes, baseline, layers, folds)
    }

    /// A layer's result from its folds' (correct, tested).
    static func layer(_ l: Int, _ counts: [(correct: Int, tested: Int)]) -> Layer {
        let interval = WilsonInterval(successes: counts.reduce(0) { $0 + $1.correct }, trials: counts.reduce(0) { $0 + $1.tested })
        let acc = counts.map { Double($0.correct) / Double($0.tested) }
        let mean = acc.reduce(0, +) / Double(max(1, acc.count))
        let std = (acc.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(max(1, acc.count))).squareRoot()
        return Layer(layer: l, accuracy: counts.isEmpty ? 0 : interval.estimate, std: std, interval: interval)
    }
}
