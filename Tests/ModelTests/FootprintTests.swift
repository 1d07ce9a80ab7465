import Model
import Testing

/// Footprint counts storage buffers, not matrices, so memory budgets match what is really held.
struct FootprintTests {
    @Test func aCopyIsCountedOnceUntilItIsWritten() {
        let a = Matrix(zeros: 10, 8)
        var b = a
        var held = Footprint()
        held.add([a, b])
        let one = held.bytes
        #expect(one >= 10 * 8 * 4 && one < 2 * 10 * 8 * 4)
        b[0, 0] = 1
        held.add([a, b])
        #expect(held.bytes >= 2 * 10 * 8 * 4)
        #expect(a[0, 0] == 0 && b[0, 0] == 1)
    }

    @Test func spareCapacityIsCounted() {
        var data = [Float](repeating: 0, count: 6)
        data.reserveCapacity(600)
        var held = Footprint()
        held.add([Matrix(rows: 2, cols: 3, data: data)])
        #expect(held.bytes >= 600 * 4)
    }
}
