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
    public static func folds(_ y: [Int], k: Int, groups: [String]? = nil, seed: UInt64 = 1) -> [Int] {
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

    /// Each row's held-out prediction (right or not) and the fold it was tested in; rows of a
    /// fold left without training rows by the grouping are not tested (`fold` nil).
    static func crossValidate(_ x: [[Float]], _ y: [Int], classes: Int, folds k: Int, groups: [String]? = nil) -> (hits: [Bool], fold: [Int?]) {
        let fold = folds(y, k: k, groups: groups)
        var hits = [Bool](repeating: false, count: x.count), tested = [Int?](repeating: nil, count: x.count)
        for f in 0..<k {
            let train = x.indices.filter { fold[$0] != f }, test = x.indices.filter { fold[$0] == f }
            guard !test.isEmpty, !train.isEmpty else { continue }
            let fit = fit(train.map { x[$0] }, train.map { y[$0] }, classes: classes)
            for r in test { hits[r] = fit.predict(x[r]) == y[r]; tested[r] = f }
        }
        return (hits, tested)
    }

    /// A 95% interval of an accuracy.
    public struct Interval: Sendable, Equatable {
        public let low: Double, high: Double
        public init(low: Double, high: Double) { self.low = low; self.high = high }
        /// Half the interval's width.
        public var halfWidth: Double { (high - low) / 2 }
    }

    /// One layer's result: the held-out accuracy pooled over folds (each row is held out once)
    /// with its 95% interval, the standard deviation of the per-fold accuracies, and each row's
    /// outcome, which paired comparisons between layers and controls resample.
    ///
    /// The interval is Wilson's when rows are independent units. When they come in clusters
    /// (the fold groups: a speaker's clips, a word's voices), it is the cluster bootstrap's
    /// (`ClusterBootstrap`), widened to contain Wilson's, which a bootstrap understates for
    /// accuracies near 0 or 1.
    public struct Layer: Sendable, Equatable, Encodable {
        public let layer: Int
        public let accuracy: Double
        public let std: Double
        public let interval: Interval
        /// Rows held out and tested, and how many of them the probe got right.
        public let tested: Int, correct: Int
        /// Per tested row, in row order: the held-out prediction was right.
        public let hits: [Bool]
        /// Per tested row: the cluster a bootstrap draws it with (its fold group, else itself).
        public let clusters: [Int]
        /// Clusters the rows fall in (the rows themselves when ungrouped).
        public var units: Int { Set(clusters).count }

        /// From each tested row's outcome; `clusters` nil when every row stands alone. `std`
        /// is the spread of the per-fold accuracies (0 for one split).
        public init(layer: Int, hits: [Bool], clusters: [Int]? = nil, std: Double = 0) {
            self.layer = layer; self.hits = hits; self.std = std
            self.clusters = clusters ?? Array(hits.indices)
            tested = hits.count
            correct = hits.filter { $0 }.count
            let wilson = WilsonInterval(successes: correct, trials: tested)
            accuracy = tested == 0 ? 0 : wilson.estimate
            if clusters != nil, tested > 0 {
                let boot = ClusterBootstrap(hits: [hits], weights: [1], clusters: self.clusters).interval()
                interval = Interval(low: min(boot.low, wilson.low), high: max(boot.high, wilson.high))
            } else {
                interval = Interval(low: wilson.low, high: wilson.high)
            }
        }

        /// This layer's accuracy minus `other`'s on the same rows, with the 95% interval of a
        /// bootstrap that draws this layer's clusters: a paired comparison, since both probes
        /// are judged on each drawn row. `pairs` counts the clusters. Nil when the two were
        /// not tested on the same rows.
        public func lead(over other: Layer) -> PairedDifference? {
            guard other.tested == tested, other.clusters == clusters, tested > 0 else { return nil }
            let boot = ClusterBootstrap(hits: [hits, other.hits], weights: [1, -1], clusters: clusters)
            let (low, high) = boot.interval()
            return PairedDifference(mean: accuracy - other.accuracy, low: low, high: high, pairs: boot.clusters)
        }

        enum Keys: String, CodingKey { case layer, accuracy, std, low, high }
        /// `low`, `high`: the 95% interval.
        public func encode(to encoder: Swift.Encoder) throws {
            var c = encoder.container(keyedBy: Keys.self)
            try c.encode(layer, forKey: .layer); try c.encode(accuracy, forKey: .accuracy); try c.encode(std, forKey: .std)
            try c.encode(interval.low, forKey: .low); try c.encode(interval.high, forKey: .high)
        }
    }

    /// `best_lead` in a probe's JSON: the best layer's paired lead over a control.
    struct LeadRecord: Encodable {
        let layer: Int, over: String, mean: Double, low: Double, high: Double
        init(layer: Int, over: String, lead: PairedDifference) {
            self.layer = layer; self.over = over; mean = lead.mean; low = lead.low; high = lead.high
        }
    }

    /// How `layer`'s interval was drawn, for a result's legend: "Wilson interval", or with
    /// `groupedBy` "interval of a bootstrap over the 15 speaker groups (at least Wilson's)".
    public static func intervalName(_ layer: Layer?, groupedBy: String?) -> String {
        guard let layer, let groupedBy else { return "Wilson interval" }
        return "interval of a bootstrap over the \(layer.units) \(groupedBy) groups (at least Wilson's)"
            + (layer.units < fewGroups ? "; \(layer.units) groups are few for a bootstrap, so read its intervals as rough" : "")
    }

    /// Fewer groups than this make a bootstrap's percentiles coarse: the legend says so.
    public static let fewGroups = 10

    /// Every layer's probe trained and tested on given splits of the rows, the test rows of
    /// all splits pooled (each row tested at most once; `std` is 0). `features[clip][layer]`
    /// as for `run`; the classes are those of all rows, so a class missing from a split's
    /// training rows simply cannot be predicted. `groups[clip]`, when given, clusters the
    /// tested rows for their interval.
    public static func heldOut(features: [[[Float]]], labels: [String], splits: [(train: [Int], test: [Int])], groups: [String]? = nil) -> [Layer] {
        let classes = Array(Set(labels)).sorted()
        let y = labels.map { classes.firstIndex(of: $0)! }
        let splits = splits.filter { !$0.train.isEmpty && !$0.test.isEmpty }
        guard !splits.isEmpty, let layers = features.first?.count else { return [] }
        let tested = splits.flatMap(\.test)
        let clusters = groups.map(clusterIndex).map { c in tested.map { c[$0] } }
        return (0..<layers).map { l in
            let hits = splits.flatMap { split in
                let fit = fit(split.train.map { features[$0][l] }, split.train.map { y[$0] }, classes: classes.count)
                return split.test.map { fit.predict(features[$0][l]) == y[$0] }
            }
            return Layer(layer: l, hits: hits, clusters: clusters)
        }
    }

    /// Each row's group as a number, in order of first appearance.
    static func clusterIndex(_ groups: [String]) -> [Int] {
        var index: [String: Int] = [:]
        return groups.map { g in
            if let i = index[g] { return i }
            index[g] = index.count
            return index.count - 1
        }
    }

    /// Every layer's probe: the classes, the majority baseline (the commonest class's share of
    /// the rows: the most any constant answer scores), each layer's accuracy, and how many folds
    /// held rows (fewer than asked when there are fewer groups than folds).
    public typealias Result = (classes: [String], baseline: Double, layers: [Layer], folds: Int)

    /// Probes every layer: `features[clip][layer]` against `labels[clip]`; `groups[clip]`, when
    /// given, keeps each group's clips in one fold and clusters them for the intervals. `source`
    /// names the data in errors: features of different shapes (a part file or a cache from
    /// another model), fewer than 2 folds or groups cannot be cross-validated.
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
        let clusters = groups.map(clusterIndex)
        let layerCount = features.first?.count ?? 0
        var layers: [Layer] = []
        var folds = 0
        for l in 0..<layerCount {
            let (hits, fold) = crossValidate(features.map { $0[l] }, y, classes: classes.count, folds: k, groups: groups)
            let tested = fold.indices.filter { fold[$0] != nil }
            // In fold order: a sum in Dictionary order would change its last bits from run to run.
            let perFold = Dictionary(grouping: tested, by: { fold[$0]! }).sorted { $0.key < $1.key }.map { _, rows in
                Double(rows.filter { hits[$0] }.count) / Double(rows.count)
            }
            let mean = perFold.reduce(0, +) / Double(max(1, perFold.count))
            let std = (perFold.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(max(1, perFold.count))).squareRoot()
            layers.append(Layer(layer: l, hits: tested.map { hits[$0] }, clusters: clusters.map { c in tested.map { c[$0] } }, std: std))
            folds = perFold.count
            progress(l + 1, layerCount)
        }
        return (classes, baseline, layers, folds)
    }
}
