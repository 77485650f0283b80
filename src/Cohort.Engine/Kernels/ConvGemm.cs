using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Cohort.Engine.Kernels;

/// <summary>
/// Small-matrix products specialised for convolution shapes (few output channels, long rows), single-threaded,
/// allocation-free, with a fixed reduction order (bitwise reproducible on one ISA path).
/// <list type="bullet">
/// <item><see cref="BroadcastProduct"/>: C[i, j] = init[i] + Σ_p A(i, p) · B[p, j], A element-strided (so Aᵀ is free),
/// B and C row-major — forward (W · cols) and the input gradient (Wᵀ · dY).</item>
/// <item><see cref="DotProductLanes"/> then <see cref="ReduceLanes"/>: C[i, j] = Σ_p A[i, p] · B[j, p], both
/// row-major along p, summed over several images before one horizontal reduction — the weight gradient
/// (Σ_b dY_b · cols_bᵀ).</item>
/// </list>
/// </summary>
internal static unsafe class ConvGemm
{
    private const int Lanes = 8;

    /// <summary>
    /// C[i·ldc + j] = init[i] + Σ_p a[i·aRow + p·aCol] · b[p·ldb + j], 0 ≤ i &lt; m, 0 ≤ j &lt; n, p &lt; k, where init is
    /// <paramref name="rowInit"/> or zero when it is null. Panels of 6 rows × 16 columns; the column remainder runs as
    /// 8-wide blocks, the last one overlapping its predecessor (every element is computed by the same chain of fused
    /// multiply-adds in p order, so recomputing it writes the same bits).
    /// </summary>
    public static void BroadcastProduct(
        int m, int n, int k, float* a, int aRow, int aCol, float* b, int ldb, float* c, int ldc, float* rowInit)
    {
        for (var i = 0; i < m; i += 6)
        {
            var mr = Math.Min(6, m - i);
            if (n < Lanes)
            {
                for (var r = 0; r < mr; r++)
                {
                    ScalarRow(n, k, a + (long)(i + r) * aRow, aCol, b, ldb, c + (long)(i + r) * ldc,
                        rowInit == null ? 0f : rowInit[i + r]);
                }
            }
            else if (Vector512.IsHardwareAccelerated && n >= 32)
            {
                Panel512(mr, n, k, a + (long)i * aRow, aRow, aCol, b, ldb, c + (long)i * ldc, ldc,
                    rowInit == null ? null : rowInit + i);
            }
            else
            {
                Panel(mr, n, k, a + (long)i * aRow, aRow, aCol, b, ldb, c + (long)i * ldc, ldc,
                    rowInit == null ? null : rowInit + i);
            }
        }
    }

    /// <summary>
    /// <see cref="Panel"/> with 512-bit vectors: 6 rows × 32 columns; the remaining columns go to <see cref="Panel"/>
    /// (overlapping when fewer than 8 remain). Every element is the same chain as in <see cref="Panel"/>, so the
    /// bits do not depend on the vector width.
    /// </summary>
    private static void Panel512(int mr, int n, int k, float* a, int aRow, int aCol, float* b, int ldb, float* c, int ldc, float* init)
    {
        var j = DoubleBlocks<Width512, Vector512<float>>(mr, n, k, a, aRow, aCol, b, ldb, c, ldc, init);
        if (j < n)
        {
            var start = Math.Min(j, n - Lanes);
            Panel(mr, n - start, k, a, aRow, aCol, b + start, ldb, c + start, ldc, init);
        }
    }

    /// <summary>
    /// Up to 6 rows in blocks of two vectors' width, from column 0 while a whole block fits; returns the first column
    /// left. Missing rows reuse the last real row's A (computed, never stored).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int DoubleBlocks<TWidth, TVector>(int mr, int n, int k, float* a, int aRow, int aCol, float* b, int ldb, float* c, int ldc, float* init)
        where TWidth : struct, ISimdWidth<TVector>
        where TVector : struct
    {
        var w = TWidth.Count;
        var o1 = (long)Math.Min(1, mr - 1) * aRow;
        var o2 = (long)Math.Min(2, mr - 1) * aRow;
        var o3 = (long)Math.Min(3, mr - 1) * aRow;
        var o4 = (long)Math.Min(4, mr - 1) * aRow;
        var o5 = (long)Math.Min(5, mr - 1) * aRow;
        var (i0, i1, i2, i3, i4, i5) = RowInits<TWidth, TVector>(mr, init);
        var j = 0;
        for (; j + 2 * w <= n; j += 2 * w)
        {
            TVector c00 = i0, c01 = i0, c10 = i1, c11 = i1, c20 = i2, c21 = i2;
            TVector c30 = i3, c31 = i3, c40 = i4, c41 = i4, c50 = i5, c51 = i5;
            var ap = a;
            var bp = b + j;
            for (var p = 0; p < k; p++, ap += aCol, bp += ldb)
            {
                var b0 = TWidth.Load(bp);
                var b1 = TWidth.Load(bp + w);
                var x = TWidth.Broadcast(ap[0]);
                c00 = TWidth.Fma(x, b0, c00);
                c01 = TWidth.Fma(x, b1, c01);
                x = TWidth.Broadcast(ap[o1]);
                c10 = TWidth.Fma(x, b0, c10);
                c11 = TWidth.Fma(x, b1, c11);
                x = TWidth.Broadcast(ap[o2]);
                c20 = TWidth.Fma(x, b0, c20);
                c21 = TWidth.Fma(x, b1, c21);
                x = TWidth.Broadcast(ap[o3]);
                c30 = TWidth.Fma(x, b0, c30);
                c31 = TWidth.Fma(x, b1, c31);
                x = TWidth.Broadcast(ap[o4]);
                c40 = TWidth.Fma(x, b0, c40);
                c41 = TWidth.Fma(x, b1, c41);
                x = TWidth.Broadcast(ap[o5]);
                c50 = TWidth.Fma(x, b0, c50);
                c51 = TWidth.Fma(x, b1, c51);
            }

            var cj = c + j;
            TWidth.Store(c00, cj);
            TWidth.Store(c01, cj + w);
            if (mr > 1)
            {
                TWidth.Store(c10, cj + ldc);
                TWidth.Store(c11, cj + ldc + w);
            }

            if (mr > 2)
            {
                TWidth.Store(c20, cj + 2 * ldc);
                TWidth.Store(c21, cj + 2 * ldc + w);
            }

            if (mr > 3)
            {
                TWidth.Store(c30, cj + 3 * ldc);
                TWidth.Store(c31, cj + 3 * ldc + w);
            }

            if (mr > 4)
            {
                TWidth.Store(c40, cj + 4 * ldc);
                TWidth.Store(c41, cj + 4 * ldc + w);
            }

            if (mr > 5)
            {
                TWidth.Store(c50, cj + 5 * ldc);
                TWidth.Store(c51, cj + 5 * ldc + w);
            }
        }

        return j;
    }

    /// <summary>Each of up to 6 rows' initial value broadcast (missing rows repeat the last real row's), or zeros.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (TVector, TVector, TVector, TVector, TVector, TVector) RowInits<TWidth, TVector>(int mr, float* init)
        where TWidth : struct, ISimdWidth<TVector>
        where TVector : struct =>
        init == null
            ? default
            : (TWidth.Broadcast(init[0]), TWidth.Broadcast(init[Math.Min(1, mr - 1)]), TWidth.Broadcast(init[Math.Min(2, mr - 1)]),
                TWidth.Broadcast(init[Math.Min(3, mr - 1)]), TWidth.Broadcast(init[Math.Min(4, mr - 1)]), TWidth.Broadcast(init[Math.Min(5, mr - 1)]));

    /// <summary>
    /// Up to 6 rows with 256-bit vectors: blocks of 16 columns, then 8-wide blocks, the last one shifted left to end at
    /// n (n ≥ 8 here). Missing rows reuse the last real row's A (computed, never stored).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Panel(int mr, int n, int k, float* a, int aRow, int aCol, float* b, int ldb, float* c, int ldc, float* init)
    {
        var j = DoubleBlocks<Width256, Vector256<float>>(mr, n, k, a, aRow, aCol, b, ldb, c, ldc, init);
        var o1 = (long)Math.Min(1, mr - 1) * aRow;
        var o2 = (long)Math.Min(2, mr - 1) * aRow;
        var o3 = (long)Math.Min(3, mr - 1) * aRow;
        var o4 = (long)Math.Min(4, mr - 1) * aRow;
        var o5 = (long)Math.Min(5, mr - 1) * aRow;
        var (i0, i1, i2, i3, i4, i5) = RowInits<Width256, Vector256<float>>(mr, init);
        while (j < n)
        {
            var jj = Math.Min(j, n - Lanes);
            Vector256<float> c0 = i0, c1 = i1, c2 = i2, c3 = i3, c4 = i4, c5 = i5;
            var ap = a;
            var bp = b + jj;
            for (var p = 0; p < k; p++, ap += aCol, bp += ldb)
            {
                var b0 = Vector256.Load(bp);
                c0 = Vector256.FusedMultiplyAdd(Vector256.Create(ap[0]), b0, c0);
                c1 = Vector256.FusedMultiplyAdd(Vector256.Create(ap[o1]), b0, c1);
                c2 = Vector256.FusedMultiplyAdd(Vector256.Create(ap[o2]), b0, c2);
                c3 = Vector256.FusedMultiplyAdd(Vector256.Create(ap[o3]), b0, c3);
                c4 = Vector256.FusedMultiplyAdd(Vector256.Create(ap[o4]), b0, c4);
                c5 = Vector256.FusedMultiplyAdd(Vector256.Create(ap[o5]), b0, c5);
            }

            var cj = c + jj;
            c0.Store(cj);
            if (mr > 1)
            {
                c1.Store(cj + ldc);
            }

            if (mr > 2)
            {
                c2.Store(cj + 2 * ldc);
            }

            if (mr > 3)
            {
                c3.Store(cj + 3 * ldc);
            }

            if (mr > 4)
            {
                c4.Store(cj + 4 * ldc);
            }

            if (mr > 5)
            {
                c5.Store(cj + 5 * ldc);
            }

            j = jj + Lanes;
        }
    }

    /// <summary>
    /// One row narrower than a vector. Uses the same per-element chain (init, then fused multiply-adds in p order)
    /// as the vector paths.
    /// </summary>
    private static void ScalarRow(int n, int k, float* a, int aCol, float* b, int ldb, float* c, float init)
    {
        for (var j = 0; j < n; j++)
        {
            var s = init;
            var ap = a;
            var bp = b + j;
            for (var p = 0; p < k; p++, ap += aCol, bp += ldb)
            {
                s = MathF.FusedMultiplyAdd(*ap, *bp, s);
            }

            c[j] = s;
        }
    }

    /// <summary>
    /// Lane partials of C[i, j] = Σ_p a[i·lda + p] · b[j·ldb + p]: acc[(i·n + j)·8 + lane] (+)= Σ over p ≡ lane
    /// (mod 8) blocks, in p order; <paramref name="first"/> starts from zero. Summing several products into the same
    /// partials and reducing once with <see cref="ReduceLanes"/> keeps the horizontal sums out of the per-image
    /// work. When k is not a multiple of 8 the last block is the overlapping block ending at k, with its already
    /// counted lanes masked to zero.
    /// </summary>
    public static void DotProductLanes(int m, int n, int k, float* a, int lda, float* b, int ldb, float* acc, bool first) =>
        DotProductLanes<Width256, Vector256<float>>(m, n, k, a, lda, b, ldb, acc, first);

    /// <summary>Lane partials per weight that <see cref="DotProductLanes512"/> keeps.</summary>
    public const int Wide = 16;

    /// <summary>Whether the weight gradient uses 16-lane partials (<see cref="DotProductLanes512"/>).</summary>
    public static bool UseWideLanes => Vector512.IsHardwareAccelerated;

    /// <summary><see cref="DotProductLanes"/> with 16 lanes (16 partials per (i, j)).</summary>
    public static void DotProductLanes512(int m, int n, int k, float* a, int lda, float* b, int ldb, float* acc, bool first) =>
        DotProductLanes<Width512, Vector512<float>>(m, n, k, a, lda, b, ldb, acc, first);

    /// <summary><see cref="DotProductLanes"/> with as many lanes as <typeparamref name="TWidth"/>'s vectors have.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DotProductLanes<TWidth, TVector>(int m, int n, int k, float* a, int lda, float* b, int ldb, float* acc, bool first)
        where TWidth : struct, ISimdWidth<TVector>
        where TVector : struct
    {
        var lanes = TWidth.Count;
        if (k < lanes)
        {
            for (var i = 0; i < m; i++)
            {
                for (var j = 0; j < n; j++)
                {
                    var s = 0f;
                    for (var p = 0; p < k; p++)
                    {
                        s = MathF.FusedMultiplyAdd(a[(long)i * lda + p], b[(long)j * ldb + p], s);
                    }

                    var slot = acc + ((long)i * n + j) * lanes;
                    if (first)
                    {
                        TWidth.Store(default, slot);
                    }

                    slot[0] += s;
                }
            }

            return;
        }

        var kv = k - k % lanes;
        var tailMask = TWidth.KeepFrom(lanes - k % lanes);
        var i0 = 0;
        for (; i0 < m; i0 += 4)
        {
            // Rows past m reuse the last row (computed, never stored).
            var mr = Math.Min(4, m - i0);
            var a0 = a + (long)i0 * lda;
            var a1 = a + (long)(i0 + Math.Min(1, mr - 1)) * lda;
            var a2 = a + (long)(i0 + Math.Min(2, mr - 1)) * lda;
            var a3 = a + (long)(i0 + Math.Min(3, mr - 1)) * lda;
            for (var j0 = 0; j0 < n; j0 += 3)
            {
                var nr = Math.Min(3, n - j0);
                var b0 = b + (long)j0 * ldb;
                var b1 = b + (long)(j0 + Math.Min(1, nr - 1)) * ldb;
                var b2 = b + (long)(j0 + Math.Min(2, nr - 1)) * ldb;
                TVector s00 = default, s01 = default, s02 = default, s10 = default, s11 = default, s12 = default;
                TVector s20 = default, s21 = default, s22 = default, s30 = default, s31 = default, s32 = default;
                for (var p = 0; p < kv; p += lanes)
                {
                    var y0 = TWidth.Load(b0 + p);
                    var y1 = TWidth.Load(b1 + p);
                    var y2 = TWidth.Load(b2 + p);
                    var x = TWidth.Load(a0 + p);
                    s00 = TWidth.Fma(x, y0, s00);
                    s01 = TWidth.Fma(x, y1, s01);
                    s02 = TWidth.Fma(x, y2, s02);
                    x = TWidth.Load(a1 + p);
                    s10 = TWidth.Fma(x, y0, s10);
                    s11 = TWidth.Fma(x, y1, s11);
                    s12 = TWidth.Fma(x, y2, s12);
                    x = TWidth.Load(a2 + p);
                    s20 = TWidth.Fma(x, y0, s20);
                    s21 = TWidth.Fma(x, y1, s21);
                    s22 = TWidth.Fma(x, y2, s22);
                    x = TWidth.Load(a3 + p);
                    s30 = TWidth.Fma(x, y0, s30);
                    s31 = TWidth.Fma(x, y1, s31);
                    s32 = TWidth.Fma(x, y2, s32);
                }

                if (kv < k)
                {
                    var p = k - lanes;
                    var y0 = TWidth.And(TWidth.Load(b0 + p), tailMask);
                    var y1 = TWidth.And(TWidth.Load(b1 + p), tailMask);
                    var y2 = TWidth.And(TWidth.Load(b2 + p), tailMask);
                    var x = TWidth.And(TWidth.Load(a0 + p), tailMask);
                    s00 = TWidth.Fma(x, y0, s00);
                    s01 = TWidth.Fma(x, y1, s01);
                    s02 = TWidth.Fma(x, y2, s02);
                    x = TWidth.And(TWidth.Load(a1 + p), tailMask);
                    s10 = TWidth.Fma(x, y0, s10);
                    s11 = TWidth.Fma(x, y1, s11);
                    s12 = TWidth.Fma(x, y2, s12);
                    x = TWidth.And(TWidth.Load(a2 + p), tailMask);
                    s20 = TWidth.Fma(x, y0, s20);
                    s21 = TWidth.Fma(x, y1, s21);
                    s22 = TWidth.Fma(x, y2, s22);
                    x = TWidth.And(TWidth.Load(a3 + p), tailMask);
                    s30 = TWidth.Fma(x, y0, s30);
                    s31 = TWidth.Fma(x, y1, s31);
                    s32 = TWidth.Fma(x, y2, s32);
                }

                var row = acc + ((long)i0 * n + j0) * lanes;
                var rowStride = (long)n * lanes;
                Put<TWidth, TVector>(row, s00, first);
                Put<TWidth, TVector>(row + lanes, s01, first, nr > 1);
                Put<TWidth, TVector>(row + 2 * lanes, s02, first, nr > 2);
                if (mr > 1)
                {
                    Put<TWidth, TVector>(row + rowStride, s10, first);
                    Put<TWidth, TVector>(row + rowStride + lanes, s11, first, nr > 1);
                    Put<TWidth, TVector>(row + rowStride + 2 * lanes, s12, first, nr > 2);
                }

                if (mr > 2)
                {
                    Put<TWidth, TVector>(row + 2 * rowStride, s20, first);
                    Put<TWidth, TVector>(row + 2 * rowStride + lanes, s21, first, nr > 1);
                    Put<TWidth, TVector>(row + 2 * rowStride + 2 * lanes, s22, first, nr > 2);
                }

                if (mr > 3)
                {
                    Put<TWidth, TVector>(row + 3 * rowStride, s30, first);
                    Put<TWidth, TVector>(row + 3 * rowStride + lanes, s31, first, nr > 1);
                    Put<TWidth, TVector>(row + 3 * rowStride + 2 * lanes, s32, first, nr > 2);
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Put<TWidth, TVector>(float* slot, TVector v, bool first, bool store = true)
        where TWidth : struct, ISimdWidth<TVector>
        where TVector : struct
    {
        if (!store)
        {
            return;
        }

        TWidth.Store(first ? v : TWidth.Add(v, TWidth.Load(slot)), slot);
    }

    /// <summary>
    /// c[i·ldc + j] = Σ of the 16 lane partials of (i, j): lanes l and l + 8 are added, then the 8 sums reduce as
    /// in <see cref="ReduceLanes"/>.
    /// </summary>
    public static void ReduceLanes512(int m, int n, float* acc, float* c, int ldc)
    {
        for (var i = 0; i < m; i++)
        {
            for (var j = 0; j < n; j++)
            {
                var v = Vector512.Load(acc + ((long)i * n + j) * Wide);
                var e = v.GetLower() + v.GetUpper();
                var h = e.GetLower() + e.GetUpper();
                c[(long)i * ldc + j] = (h.GetElement(0) + h.GetElement(2)) + (h.GetElement(1) + h.GetElement(3));
            }
        }
    }

    /// <summary>c[i·ldc + j] = Σ of the 8 lane partials of (i, j) in a fixed tree ((0+4)+(2+6)) + ((1+5)+(3+7)).</summary>
    public static void ReduceLanes(int m, int n, float* acc, float* c, int ldc)
    {
        for (var i = 0; i < m; i++)
        {
            for (var j = 0; j < n; j++)
            {
                var v = Vector256.Load(acc + ((long)i * n + j) * Lanes);
                var h = v.GetLower() + v.GetUpper();
                c[(long)i * ldc + j] = (h.GetElement(0) + h.GetElement(2)) + (h.GetElement(1) + h.GetElement(3));
            }
        }
    }
}
