using System.Runtime.Intrinsics;

namespace Cohort.Engine.Kernels;

/// <summary>
/// Matrix product for the small shapes of tiny networks (e.g. paper 000's 13-64-1 MLP), where a packed, blocked GEMM
/// spends more time packing than multiplying: C[i, :] = init + Σₚ A(i, p)·B[p, :], one row of C at a time, vectorised
/// along the columns (Vector512, then Vector256, then scalar), 64 columns held in registers while p runs.
/// A is addressed by strides (A(i, p) = a[i·rsA + p·csA]), so a transposed A costs nothing; rows of B and C are
/// contiguous with strides ldb and ldc. Single-threaded; every element is reduced over p in order with fused
/// multiply-adds, so results depend only on the shapes.
/// </summary>
public static class SmallGemm
{
    /// <summary>
    /// C = A·B, plus <paramref name="rowInit"/> (length n) added to every row when not empty; C is overwritten.
    /// </summary>
    public static unsafe void Compute(
        int m, int n, int k, ReadOnlySpan<float> a, int rsA, int csA, ReadOnlySpan<float> b, int ldb,
        ReadOnlySpan<float> rowInit, Span<float> c, int ldc)
    {
        if (m < 0 || n < 0 || k < 0 || rsA < 0 || csA < 0 || ldb < n || ldc < n)
        {
            throw new ArgumentException($"Invalid small GEMM shape m={m} n={n} k={k} rsA={rsA} csA={csA} ldb={ldb} ldc={ldc}.");
        }

        if (m == 0 || n == 0)
        {
            return;
        }

        var needA = k == 0 ? 0L : ((long)(m - 1) * rsA) + ((long)(k - 1) * csA) + 1;
        var needB = k == 0 ? 0L : ((long)(k - 1) * ldb) + n;
        var needC = ((long)(m - 1) * ldc) + n;
        if (a.Length < needA || b.Length < needB || c.Length < needC || (!rowInit.IsEmpty && rowInit.Length < n))
        {
            throw new ArgumentException(
                $"Small GEMM spans too short: a {a.Length}/{needA}, b {b.Length}/{needB}, c {c.Length}/{needC}.");
        }

        fixed (float* pa = a, pb = b, pc = c, pinit = rowInit)
        {
            var init = rowInit.IsEmpty ? null : pinit;
            for (var i = 0; i < m; i++)
            {
                Row(n, k, pa + ((nint)i * rsA), csA, pb, ldb, init, pc + ((nint)i * ldc));
            }
        }
    }

    /// <summary>dst[j, i] = src[i, j] for an r×c matrix src (row stride c) into dst (row stride r).</summary>
    public static void TransposeInto(ReadOnlySpan<float> src, int rows, int cols, Span<float> dst)
    {
        if (src.Length < rows * cols || dst.Length < rows * cols)
        {
            throw new ArgumentException($"Transpose of {rows}×{cols} needs {rows * cols} floats.", nameof(src));
        }

        for (var i = 0; i < rows; i++)
        {
            var row = src.Slice(i * cols, cols);
            for (var j = 0; j < row.Length; j++)
            {
                dst[(j * rows) + i] = row[j];
            }
        }
    }

    /// <summary>
    /// C[i, j] = Σₚ A[i, p]·B[j, p] (C = A·Bᵀ with rows of A and B contiguous along p): each dot product runs two
    /// Vector512 (or Vector256) accumulators over p in order, adds them, reduces the lanes, then adds the scalar tail.
    /// </summary>
    public static unsafe void DotRows(
        int m, int n, int k, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc)
    {
        if (m < 0 || n < 0 || k < 0 || lda < k || ldb < k || ldc < n)
        {
            throw new ArgumentException($"Invalid dot-product shape m={m} n={n} k={k} lda={lda} ldb={ldb} ldc={ldc}.");
        }

        if (m == 0 || n == 0)
        {
            return;
        }

        if (a.Length < ((long)(m - 1) * lda) + k || b.Length < ((long)(n - 1) * ldb) + k || c.Length < ((long)(m - 1) * ldc) + n)
        {
            throw new ArgumentException($"Dot-product spans too short for m={m} n={n} k={k}.");
        }

        fixed (float* pa = a, pb = b, pc = c)
        {
            for (var i = 0; i < m; i++)
            {
                var ai = pa + ((nint)i * lda);
                for (var j = 0; j < n; j++)
                {
                    pc[((nint)i * ldc) + j] = Dot(ai, pb + ((nint)j * ldb), k);
                }
            }
        }
    }

    private static unsafe float Dot(float* x, float* y, int k)
    {
        var p = 0;
        var sum = 0f;
        if (Vector512.IsHardwareAccelerated && k >= 32)
        {
            Vector512<float> s0 = Vector512<float>.Zero, s1 = Vector512<float>.Zero;
            for (; p + 32 <= k; p += 32)
            {
                s0 = Vector512.FusedMultiplyAdd(Vector512.Load(x + p), Vector512.Load(y + p), s0);
                s1 = Vector512.FusedMultiplyAdd(Vector512.Load(x + p + 16), Vector512.Load(y + p + 16), s1);
            }

            sum = Vector512.Sum(s0 + s1);
        }
        else if (Vector256.IsHardwareAccelerated && k >= 16)
        {
            Vector256<float> s0 = Vector256<float>.Zero, s1 = Vector256<float>.Zero;
            for (; p + 16 <= k; p += 16)
            {
                s0 = Vector256.FusedMultiplyAdd(Vector256.Load(x + p), Vector256.Load(y + p), s0);
                s1 = Vector256.FusedMultiplyAdd(Vector256.Load(x + p + 8), Vector256.Load(y + p + 8), s1);
            }

            sum = Vector256.Sum(s0 + s1);
        }

        for (; p < k; p++)
        {
            sum = MathF.FusedMultiplyAdd(x[p], y[p], sum);
        }

        return sum;
    }

    private static unsafe void Row(int n, int k, float* a, int csA, float* b, int ldb, float* init, float* c)
    {
        var j = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; j + 64 <= n; j += 64)
            {
                var z = Vector512<float>.Zero;
                Vector512<float> c0 = z, c1 = z, c2 = z, c3 = z;
                if (init != null)
                {
                    c0 = Vector512.Load(init + j);
                    c1 = Vector512.Load(init + j + 16);
                    c2 = Vector512.Load(init + j + 32);
                    c3 = Vector512.Load(init + j + 48);
                }

                var bp = b + j;
                for (var p = 0; p < k; p++, bp += ldb)
                {
                    var av = Vector512.Create(a[(nint)p * csA]);
                    c0 = Vector512.FusedMultiplyAdd(av, Vector512.Load(bp), c0);
                    c1 = Vector512.FusedMultiplyAdd(av, Vector512.Load(bp + 16), c1);
                    c2 = Vector512.FusedMultiplyAdd(av, Vector512.Load(bp + 32), c2);
                    c3 = Vector512.FusedMultiplyAdd(av, Vector512.Load(bp + 48), c3);
                }

                c0.Store(c + j);
                c1.Store(c + j + 16);
                c2.Store(c + j + 32);
                c3.Store(c + j + 48);
            }

            for (; j + 16 <= n; j += 16)
            {
                var c0 = init != null ? Vector512.Load(init + j) : Vector512<float>.Zero;
                var bp = b + j;
                for (var p = 0; p < k; p++, bp += ldb)
                {
                    c0 = Vector512.FusedMultiplyAdd(Vector512.Create(a[(nint)p * csA]), Vector512.Load(bp), c0);
                }

                c0.Store(c + j);
            }
        }

        if (Vector256.IsHardwareAccelerated)
        {
            for (; j + 8 <= n; j += 8)
            {
                var c0 = init != null ? Vector256.Load(init + j) : Vector256<float>.Zero;
                var bp = b + j;
                for (var p = 0; p < k; p++, bp += ldb)
                {
                    c0 = Vector256.FusedMultiplyAdd(Vector256.Create(a[(nint)p * csA]), Vector256.Load(bp), c0);
                }

                c0.Store(c + j);
            }
        }

        for (; j < n; j++)
        {
            var s = init != null ? init[j] : 0f;
            var bp = b + j;
            for (var p = 0; p < k; p++, bp += ldb)
            {
                s = MathF.FusedMultiplyAdd(a[(nint)p * csA], *bp, s);
            }

            c[j] = s;
        }
    }
}
