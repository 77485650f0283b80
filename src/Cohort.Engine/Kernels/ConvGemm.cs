using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Cohort.Engine.Kernels;

/// <summary>
/// Small-matrix products specialised for convolution shapes (few output channels, long rows), single-threaded,
/// allocation-free, with a fixed reduction order (bitwise reproducible on one ISA path).
/// <list type="bullet">
/// <item><see cref="BroadcastProduct"/>: C[i, j] (+)= Σ_p A(i, p) · B[p, j], A element-strided (so Aᵀ is free),
/// B and C row-major — forward (W · cols) and the input gradient (Wᵀ · dY).</item>
/// <item><see cref="DotProduct"/>: C[i, j] (+)= Σ_p A[i, p] · B[j, p], both row-major along p — the weight gradient
/// (dY · colsᵀ).</item>
/// </list>
/// </summary>
internal static unsafe class ConvGemm
{
    private const int Lanes = 8;

    /// <summary>
    /// C[i·ldc + j] = (accumulate ? C : 0) + Σ_p a[i·aRow + p·aCol] · b[p·ldb + j], 0 ≤ i &lt; m, 0 ≤ j &lt; n, p &lt; k.
    /// </summary>
    public static void BroadcastProduct(
        int m, int n, int k, float* a, int aRow, int aCol, float* b, int ldb, float* c, int ldc, bool accumulate)
    {
        var i = 0;
        for (; i + 6 <= m; i += 6)
        {
            Rows6(n, k, a + (long)i * aRow, aRow, aCol, b, ldb, c + (long)i * ldc, ldc, accumulate);
        }

        for (; i + 4 <= m; i += 4)
        {
            Rows4(n, k, a + (long)i * aRow, aRow, aCol, b, ldb, c + (long)i * ldc, ldc, accumulate);
        }

        for (; i < m; i++)
        {
            Rows1(n, k, a + (long)i * aRow, aCol, b, ldb, c + (long)i * ldc, accumulate);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Rows6(int n, int k, float* a, int aRow, int aCol, float* b, int ldb, float* c, int ldc, bool acc)
    {
        var j = 0;
        for (; j + 2 * Lanes <= n; j += 2 * Lanes)
        {
            Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
            Vector256<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
            var ap = a;
            var bp = b + j;
            for (var p = 0; p < k; p++, ap += aCol, bp += ldb)
            {
                var b0 = Vector256.Load(bp);
                var b1 = Vector256.Load(bp + Lanes);
                var x = Vector256.Create(ap[0]);
                c00 = Vector256.FusedMultiplyAdd(x, b0, c00);
                c01 = Vector256.FusedMultiplyAdd(x, b1, c01);
                x = Vector256.Create(ap[aRow]);
                c10 = Vector256.FusedMultiplyAdd(x, b0, c10);
                c11 = Vector256.FusedMultiplyAdd(x, b1, c11);
                x = Vector256.Create(ap[2 * aRow]);
                c20 = Vector256.FusedMultiplyAdd(x, b0, c20);
                c21 = Vector256.FusedMultiplyAdd(x, b1, c21);
                x = Vector256.Create(ap[3 * aRow]);
                c30 = Vector256.FusedMultiplyAdd(x, b0, c30);
                c31 = Vector256.FusedMultiplyAdd(x, b1, c31);
                x = Vector256.Create(ap[4 * aRow]);
                c40 = Vector256.FusedMultiplyAdd(x, b0, c40);
                c41 = Vector256.FusedMultiplyAdd(x, b1, c41);
                x = Vector256.Create(ap[5 * aRow]);
                c50 = Vector256.FusedMultiplyAdd(x, b0, c50);
                c51 = Vector256.FusedMultiplyAdd(x, b1, c51);
            }

            Store2(c + j, c00, c01, acc);
            Store2(c + ldc + j, c10, c11, acc);
            Store2(c + 2 * ldc + j, c20, c21, acc);
            Store2(c + 3 * ldc + j, c30, c31, acc);
            Store2(c + 4 * ldc + j, c40, c41, acc);
            Store2(c + 5 * ldc + j, c50, c51, acc);
        }

        if (j < n)
        {
            for (var r = 0; r < 6; r++)
            {
                Tail(n, j, k, a + r * aRow, aCol, b, ldb, c + r * ldc, acc);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Rows4(int n, int k, float* a, int aRow, int aCol, float* b, int ldb, float* c, int ldc, bool acc)
    {
        var j = 0;
        for (; j + 3 * Lanes <= n; j += 3 * Lanes)
        {
            Vector256<float> c00 = default, c01 = default, c02 = default, c10 = default, c11 = default, c12 = default;
            Vector256<float> c20 = default, c21 = default, c22 = default, c30 = default, c31 = default, c32 = default;
            var ap = a;
            var bp = b + j;
            for (var p = 0; p < k; p++, ap += aCol, bp += ldb)
            {
                var b0 = Vector256.Load(bp);
                var b1 = Vector256.Load(bp + Lanes);
                var b2 = Vector256.Load(bp + 2 * Lanes);
                var x = Vector256.Create(ap[0]);
                c00 = Vector256.FusedMultiplyAdd(x, b0, c00);
                c01 = Vector256.FusedMultiplyAdd(x, b1, c01);
                c02 = Vector256.FusedMultiplyAdd(x, b2, c02);
                x = Vector256.Create(ap[aRow]);
                c10 = Vector256.FusedMultiplyAdd(x, b0, c10);
                c11 = Vector256.FusedMultiplyAdd(x, b1, c11);
                c12 = Vector256.FusedMultiplyAdd(x, b2, c12);
                x = Vector256.Create(ap[2 * aRow]);
                c20 = Vector256.FusedMultiplyAdd(x, b0, c20);
                c21 = Vector256.FusedMultiplyAdd(x, b1, c21);
                c22 = Vector256.FusedMultiplyAdd(x, b2, c22);
                x = Vector256.Create(ap[3 * aRow]);
                c30 = Vector256.FusedMultiplyAdd(x, b0, c30);
                c31 = Vector256.FusedMultiplyAdd(x, b1, c31);
                c32 = Vector256.FusedMultiplyAdd(x, b2, c32);
            }

            Store3(c + j, c00, c01, c02, acc);
            Store3(c + ldc + j, c10, c11, c12, acc);
            Store3(c + 2 * ldc + j, c20, c21, c22, acc);
            Store3(c + 3 * ldc + j, c30, c31, c32, acc);
        }

        if (j < n)
        {
            for (var r = 0; r < 4; r++)
            {
                Tail(n, j, k, a + r * aRow, aCol, b, ldb, c + r * ldc, acc);
            }
        }
    }

    private static void Rows1(int n, int k, float* a, int aCol, float* b, int ldb, float* c, bool acc) =>
        Tail(n, 0, k, a, aCol, b, ldb, c, acc);

    /// <summary>One row of C from column j on: 8-wide vectors, then scalars.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tail(int n, int j, int k, float* a, int aCol, float* b, int ldb, float* c, bool acc)
    {
        for (; j + Lanes <= n; j += Lanes)
        {
            Vector256<float> s = default;
            var ap = a;
            var bp = b + j;
            for (var p = 0; p < k; p++, ap += aCol, bp += ldb)
            {
                s = Vector256.FusedMultiplyAdd(Vector256.Create(*ap), Vector256.Load(bp), s);
            }

            if (acc)
            {
                s += Vector256.Load(c + j);
            }

            s.Store(c + j);
        }

        for (; j < n; j++)
        {
            var s = 0f;
            var ap = a;
            var bp = b + j;
            for (var p = 0; p < k; p++, ap += aCol, bp += ldb)
            {
                s = MathF.FusedMultiplyAdd(*ap, *bp, s);
            }

            c[j] = acc ? c[j] + s : s;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store2(float* c, Vector256<float> v0, Vector256<float> v1, bool acc)
    {
        if (acc)
        {
            v0 += Vector256.Load(c);
            v1 += Vector256.Load(c + Lanes);
        }

        v0.Store(c);
        v1.Store(c + Lanes);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store3(float* c, Vector256<float> v0, Vector256<float> v1, Vector256<float> v2, bool acc)
    {
        if (acc)
        {
            v0 += Vector256.Load(c);
            v1 += Vector256.Load(c + Lanes);
            v2 += Vector256.Load(c + 2 * Lanes);
        }

        v0.Store(c);
        v1.Store(c + Lanes);
        v2.Store(c + 2 * Lanes);
    }

    /// <summary>
    /// C[i·ldc + j] = (accumulate ? C : 0) + Σ_p a[i·lda + p] · b[j·ldb + p], 0 ≤ i &lt; m, 0 ≤ j &lt; n, p &lt; k.
    /// Each dot product runs 8 lanes over p in order, then adds the lanes in a fixed tree, then the scalar tail.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void DotProduct(int m, int n, int k, float* a, int lda, float* b, int ldb, float* c, int ldc, bool accumulate)
    {
        var kv = k - k % Lanes;
        var i = 0;
        for (; i + 4 <= m; i += 4)
        {
            var a0 = a + (long)i * lda;
            var a1 = a0 + lda;
            var a2 = a1 + lda;
            var a3 = a2 + lda;
            var j = 0;
            for (; j + 3 <= n; j += 3)
            {
                var b0 = b + (long)j * ldb;
                var b1 = b0 + ldb;
                var b2 = b1 + ldb;
                Vector256<float> s00 = default, s01 = default, s02 = default, s10 = default, s11 = default, s12 = default;
                Vector256<float> s20 = default, s21 = default, s22 = default, s30 = default, s31 = default, s32 = default;
                for (var p = 0; p < kv; p += Lanes)
                {
                    var y0 = Vector256.Load(b0 + p);
                    var y1 = Vector256.Load(b1 + p);
                    var y2 = Vector256.Load(b2 + p);
                    var x = Vector256.Load(a0 + p);
                    s00 = Vector256.FusedMultiplyAdd(x, y0, s00);
                    s01 = Vector256.FusedMultiplyAdd(x, y1, s01);
                    s02 = Vector256.FusedMultiplyAdd(x, y2, s02);
                    x = Vector256.Load(a1 + p);
                    s10 = Vector256.FusedMultiplyAdd(x, y0, s10);
                    s11 = Vector256.FusedMultiplyAdd(x, y1, s11);
                    s12 = Vector256.FusedMultiplyAdd(x, y2, s12);
                    x = Vector256.Load(a2 + p);
                    s20 = Vector256.FusedMultiplyAdd(x, y0, s20);
                    s21 = Vector256.FusedMultiplyAdd(x, y1, s21);
                    s22 = Vector256.FusedMultiplyAdd(x, y2, s22);
                    x = Vector256.Load(a3 + p);
                    s30 = Vector256.FusedMultiplyAdd(x, y0, s30);
                    s31 = Vector256.FusedMultiplyAdd(x, y1, s31);
                    s32 = Vector256.FusedMultiplyAdd(x, y2, s32);
                }

                var ci = c + (long)i * ldc + j;
                Finish(ci, s00, a0, b0, kv, k, accumulate);
                Finish(ci + 1, s01, a0, b1, kv, k, accumulate);
                Finish(ci + 2, s02, a0, b2, kv, k, accumulate);
                Finish(ci + ldc, s10, a1, b0, kv, k, accumulate);
                Finish(ci + ldc + 1, s11, a1, b1, kv, k, accumulate);
                Finish(ci + ldc + 2, s12, a1, b2, kv, k, accumulate);
                Finish(ci + 2 * ldc, s20, a2, b0, kv, k, accumulate);
                Finish(ci + 2 * ldc + 1, s21, a2, b1, kv, k, accumulate);
                Finish(ci + 2 * ldc + 2, s22, a2, b2, kv, k, accumulate);
                Finish(ci + 3 * ldc, s30, a3, b0, kv, k, accumulate);
                Finish(ci + 3 * ldc + 1, s31, a3, b1, kv, k, accumulate);
                Finish(ci + 3 * ldc + 2, s32, a3, b2, kv, k, accumulate);
            }

            for (; j < n; j++)
            {
                for (var r = 0; r < 4; r++)
                {
                    Dot1(c + (long)(i + r) * ldc + j, a + (long)(i + r) * lda, b + (long)j * ldb, kv, k, accumulate);
                }
            }
        }

        for (; i < m; i++)
        {
            for (var j = 0; j < n; j++)
            {
                Dot1(c + (long)i * ldc + j, a + (long)i * lda, b + (long)j * ldb, kv, k, accumulate);
            }
        }
    }

    private static void Dot1(float* c, float* a, float* b, int kv, int k, bool acc)
    {
        Vector256<float> s = default;
        for (var p = 0; p < kv; p += Lanes)
        {
            s = Vector256.FusedMultiplyAdd(Vector256.Load(a + p), Vector256.Load(b + p), s);
        }

        Finish(c, s, a, b, kv, k, acc);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Finish(float* c, Vector256<float> s, float* a, float* b, int kv, int k, bool acc)
    {
        var lo = s.GetLower() + s.GetUpper();
        var sum = (lo.GetElement(0) + lo.GetElement(2)) + (lo.GetElement(1) + lo.GetElement(3));
        for (var p = kv; p < k; p++)
        {
            sum = MathF.FusedMultiplyAdd(a[p], b[p], sum);
        }

        *c = acc ? *c + sum : sum;
    }
}
