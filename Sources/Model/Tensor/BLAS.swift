import COpenBLAS

/// Thin wrappers over OpenBLAS: every matrix product in the model goes through here.
public enum BLAS {
    /// Pins OpenBLAS to one thread per call, once per process. asrlens splits work across cores
    /// itself (`Parallel`), so BLAS threads never spin against ours; and changing OpenBLAS's thread
    /// count while another thread is inside a BLAS call is not safe, so it is done only here.
    public static let singleThreaded: Void = {
        openblas_set_num_threads(1)
    }()

    /// `c = alpha · a · bᵀ + beta · c` on raw row-major buffers with leading dimensions.
    /// a: [m, k] (lda), b: [n, k] (ldb), c: [m, n] (ldc).
    @inline(__always)
    public static func gemmNT(m: Int, n: Int, k: Int, alpha: Float = 1, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                              beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
        gemm(CblasTrans, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
    }

    /// `c = alpha · a · b + beta · c`. a: [m, k] (lda), b: [k, n] (ldb), c: [m, n] (ldc).
    @inline(__always)
    public static func gemmNN(m: Int, n: Int, k: Int, alpha: Float = 1, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                              beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
        gemm(CblasNoTrans, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
    }

    @inline(__always)
    private static func gemm(_ transB: CBLAS_TRANSPOSE, m: Int, n: Int, k: Int, alpha: Float, a: UnsafePointer<Float>, lda: Int,
                             b: UnsafePointer<Float>, ldb: Int, beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        cblas_sgemm(CblasRowMajor, CblasNoTrans, transB, Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// `y = A · x + beta · y` for row-major A: [m, n] (lda).
    @inline(__always)
    public static func gemv(m: Int, n: Int, a: UnsafePointer<Float>, lda: Int,
                            x: UnsafePointer<Float>, beta: Float = 0, y: UnsafeMutablePointer<Float>) {
        cblas_sgemv(CblasRowMajor, CblasNoTrans, Int32(m), Int32(n), 1, a, Int32(lda), x, 1, beta, y, 1)
    }

    /// `y = Aᵀ · x + beta · y` for row-major A: [m, n] (lda); y has n entries.
    @inline(__always)
    public static func gemvT(m: Int, n: Int, a: UnsafePointer<Float>, lda: Int,
                             x: UnsafePointer<Float>, beta: Float = 0, y: UnsafeMutablePointer<Float>) {
        cblas_sgemv(CblasRowMajor, CblasTrans, Int32(m), Int32(n), 1, a, Int32(lda), x, 1, beta, y, 1)
    }
}
