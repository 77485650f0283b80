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
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Panel512(int mr, int n, int k, float* a, int aRow, int aCol, float* b, int ldb, float* c, int ldc, float* init)
    {
        var o1 = (long)Math.Min(1, mr - 1) * aRow;
        var o2 = (long)Math.Min(2, mr - 1) * aRow;
        var o3 = (long)Math.Min(3, mr - 1) * aRow;
        var o4 = (long)Math.Min(4, mr - 1) * aRow;
        var o5 = (long)Math.Min(5, mr - 1) * aRow;
        Vector512<float> i0 = default, i1 = default, i2 = default, i3 = default, i4 = default, i5 = default;
        if (init != null)
        {
            i0 = Vector512.Create(init[0]);
            i1 = Vector512.Create(init[Math.Min(1, mr - 1)]);
            i2 = Vector512.Create(init[Math.Min(2, mr - 1)]);
            i3 = Vector512.Create(init[Math.Min(3, mr - 1)]);
            i4 = Vector512.Create(init[Math.Min(4, mr - 1)]);
            i5 = Vector512.Create(init[Math.Min(5, mr - 1)]);
        }

        const int W = 16;
        var j = 0;
        for (; j + 2 * W <= n; j += 2 * W)
        {
            Vector512<float> c00 = i0, c01 = i0, c10 = i1, c11 = i1, c20 = i2, c21 = i2;
            Vector512<float> c30 = i3, c31 = i3, c40 = i4, c41 = i4, c50 = i5, c51 = i5;
            var ap = a;
            var bp = b + j;
            for (var p = 0; p < k; p++, ap += aCol, bp += ldb)
            {
                var b0 = Vector512.Load(bp);
                var b1 = Vector512.Load(bp + W);
                var x = Vector512.Create(ap[0]);
                c00 = Vector512.FusedMultiplyAdd(x, b0, c00);
                c01 = Vector512.FusedMultiplyAdd(x, b1, c01);
                x = Vector512.Create(ap[o1]);
                c10 = Vector512.FusedMultiplyAdd(x, b0, c10);
                c11 = Vector512.FusedMultiplyAdd(x, b1, c11);
                x = Vector512.Create(ap[o2]);
                c20 = Vector512.FusedMultiplyAdd(x, b0, c20);
                c21 = Vector512.FusedMultiplyAdd(x, b1, c21);
                x = Vector512.Create(ap[o3]);
                c30 = Vector512.FusedMultiplyAdd(x, b0, c30);
                c31 = Vector512.FusedMultiplyAdd(x, b1, c31);
                x = Vector512.Create(ap[o4]);
                c40 = Vector512.FusedMultiplyAdd(x, b0, c40);
                c41 = Vector512.FusedMultiplyAdd(x, b1, c41);
                x = Vector512.Create(ap[o5]);
                c50 = Vector512.FusedMultiplyAdd(x, b0, c50);
                c51 = Vector512.FusedMultiplyAdd(x, b1, c51);
            }

            var cj = c + j;
            c00.Store(cj);
            c01.Store(cj + W);
            if (mr > 1)
            {
                c10.Store(cj + ldc);
                c11.Store(cj + ldc + W);
            }

            if (mr > 2)
            {
                c20.Store(cj + 2 * ldc);
                c21.Store(cj + 2 * ldc + W);
            }

            if (mr > 3)
            {
                c30.Store(cj + 3 * ldc);
                c31.Store(cj + 3 * ldc + W);
            }

            if (mr > 4)
            {
                c40.Store(cj + 4 * ldc);
                c41.Store(cj + 4 * ldc + W);
            }

            if (mr > 5)
            {
                c50.Store(cj + 5 * ldc);
                c51.Store(cj + 5 * ldc + W);
            }
        }

        if (j < n)
        {
            var start = Math.Min(j, n - Lanes);
            Panel(mr, n - start, k, a, aRow, aCol, b + start, ldb, c + start, ldc, init);
        }
    }

    /// <summary>Up to 6 rows; missing rows reuse the last real row's A (computed, never stored).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Panel(int mr, int n, int k, float* a, int aRow, int aCol, float* b, int ldb, float* c, int ldc, float* init)
    {
        var o1 = (long)Math.Min(1, mr - 1) * aRow;
        var o2 = (long)Math.Min(2, mr - 1) * aRow;
        var o3 = (long)Math.Min(3, mr - 1) * aRow;
        var o4 = (long)Math.Min(4, mr - 1) * aRow;
        var o5 = (long)Math.Min(5, mr - 1) * aRow;
        Vector256<float> i0 = default, i1 = default, i2 = default, i3 = default, i4 = default, i5 = default;
        if (init != null)
        {
            i0 = Vector256.Create(init[0]);
            i1 = Vector256.Create(init[Math.Min(1, mr - 1)]);
            i2 = Vector256.Create(init[Math.Min(2, mr - 1)]);
            i3 = Vector256.Create(init[Math.Min(3, mr - 1)]);
            i4 = Vector256.Create(init[Math.Min(4, mr - 1)]);
            i5 = Vector256.Create(init[Math.Min(5, mr - 1)]);
        }

        var j = 0;
        for (; j + 2 * Lanes <= n; j += 2 * Lanes)
        {
            Vector256<float> c00 = i0, c01 = i0, c10 = i1, c11 = i1, c20 = i2, c21 = i2;
            Vector256<float> c30 = i3, c31 = i3, c40 = i4, c41 = i4, c50 = i5, c51 = i5;
            var ap = a;
            var bp = b + j;
            for (var p = 0; p < k; p++, ap += aCol, bp += ldb)
            {
                var b0 = Vector256.Load(bp);
                var b1 = Vector256.Load(bp + Lanes);
                var x = Vector256.Create(ap[0]);
                c00 = Vector256.FusedMultiplyAdd(x, b0, c00);
                c01 = Vector256.FusedMultiplyAdd(x, b1, c01);
                x = Vector256.Create(ap[o1]);
                c10 = Vector256.FusedMultiplyAdd(x, b0, c10);
                c11 = Vector256.FusedMultiplyAdd(x, b1, c11);
                x = Vector256.Create(ap[o2]);
                c20 = Vector256.FusedMultiplyAdd(x, b0, c20);
                c21 = Vector256.FusedMultiplyAdd(x, b1, c21);
                x = Vector256.Create(ap[o3]);
                c30 = Vector256.FusedMultiplyAdd(x, b0, c30);
                c31 = Vector256.FusedMultiplyAdd(x, b1, c31);
                x = Vector256.Create(ap[o4]);
                c40 = Vector256.FusedMultiplyAdd(x, b0, c40);
                c41 = Vector256.FusedMultiplyAdd(x, b1, c41);
                x = Vector256.Create(ap[o5]);
                c50 = Vector256.FusedMultiplyAdd(x, b0, c50);
                c51 = Vector256.FusedMultiplyAdd(x, b1, c51);
            }

            var cj = c + j;
            c00.Store(cj);
            c01.Store(cj + Lanes);
            if (mr > 1)
            {
                c10.Store(cj + ldc);
                c11.Store(cj + ldc + Lanes);
            }

            if (mr > 2)
            {
                c20.Store(cj + 2 * ldc);
                c21.Store(cj + 2 * ldc + Lanes);
            }

            if (mr > 3)
            {
                c30.Store(cj + 3 * ldc);
                c31.Store(cj + 3 * ldc + Lanes);
            }

            if (mr > 4)
            {
                c40.Store(cj + 4 * ldc);
                c41.Store(cj + 4 * ldc + Lanes);
            }

            if (mr > 5)
            {
                c50.Store(cj + 5 * ldc);
                c51.Store(cj + 5 * ldc + Lanes);
            }
        }

        while (j < n)
        {
            // 8-wide blocks; the last one is shifted left to end at n (n ≥ 8 here).
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
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void DotProductLanes(int m, int n, int k, float* a, int lda, float* b, int ldb, float* acc, bool first)
    {
        if (k < Lanes)
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

                    var slot = acc + ((long)i * n + j) * Lanes;
                    if (first)
                    {
                        Vector256<float>.Zero.Store(slot);
                    }

                    slot[0] += s;
                }
            }

            return;
        }

        var kv = k - k % Lanes;
        var tailMask = Vector256.GreaterThanOrEqual(
            Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7), Vector256.Create(Lanes - k % Lanes)).AsSingle();
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

                if (kv < k)
                {
                    var p = k - Lanes;
                    var y0 = Vector256.Load(b0 + p) & tailMask;
                    var y1 = Vector256.Load(b1 + p) & tailMask;
                    var y2 = Vector256.Load(b2 + p) & tailMask;
                    var x = Vector256.Load(a0 + p) & tailMask;
                    s00 = Vector256.FusedMultiplyAdd(x, y0, s00);
                    s01 = Vector256.FusedMultiplyAdd(x, y1, s01);
                    s02 = Vector256.FusedMultiplyAdd(x, y2, s02);
                    x = Vector256.Load(a1 + p) & tailMask;
                    s10 = Vector256.FusedMultiplyAdd(x, y0, s10);
                    s11 = Vector256.FusedMultiplyAdd(x, y1, s11);
                    s12 = Vector256.FusedMultiplyAdd(x, y2, s12);
                    x = Vector256.Load(a2 + p) & tailMask;
                    s20 = Vector256.FusedMultiplyAdd(x, y0, s20);
                    s21 = Vector256.FusedMultiplyAdd(x, y1, s21);
                    s22 = Vector256.FusedMultiplyAdd(x, y2, s22);
                    x = Vector256.Load(a3 + p) & tailMask;
                    s30 = Vector256.FusedMultiplyAdd(x, y0, s30);
                    s31 = Vector256.FusedMultiplyAdd(x, y1, s31);
                    s32 = Vector256.FusedMultiplyAdd(x, y2, s32);
                }

                var row = acc + ((long)i0 * n + j0) * Lanes;
                var rowStride = (long)n * Lanes;
                Put(row, s00, first);
                Put(row + Lanes, s01, first, nr > 1);
                Put(row + 2 * Lanes, s02, first, nr > 2);
                if (mr > 1)
                {
                    Put(row + rowStride, s10, first);
                    Put(row + rowStride + Lanes, s11, first, nr > 1);
                    Put(row + rowStride + 2 * Lanes, s12, first, nr > 2);
                }

                if (mr > 2)
                {
                    Put(row + 2 * rowStride, s20, first);
                    Put(row + 2 * rowStride + Lanes, s21, first, nr > 1);
                    Put(row + 2 * rowStride + 2 * Lanes, s22, first, nr > 2);
                }

                if (mr > 3)
                {
                    Put(row + 3 * rowStride, s30, first);
                    Put(row + 3 * rowStride + Lanes, s31, first, nr > 1);
                    Put(row + 3 * rowStride + 2 * Lanes, s32, first, nr > 2);
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Put(float* slot, Vector256<float> v, bool first, bool store = true)
    {
        if (!store)
        {
            return;
        }

        if (!first)
        {
            v += Vector256.Load(slot);
        }

        v.Store(slot);
    }

    /// <summary>Lane partials per weight that <see cref="DotProductLanes512"/> keeps.</summary>
    public const int Wide = 16;

    /// <summary>Whether the weight gradient uses 16-lane partials (<see cref="DotProductLanes512"/>).</summary>
    public static bool UseWideLanes => Vector512.IsHardwareAccelerated;

    /// <summary><see cref="DotProductLanes"/> with 16 lanes (16 partials per (i, j)).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void DotProductLanes512(int m, int n, int k, float* a, int lda, float* b, int ldb, float* acc, bool first)
    {
        if (k < Wide)
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

                    var slot = acc + ((long)i * n + j) * Wide;
                    if (first)
                    {
                        Vector512<float>.Zero.Store(slot);
                    }

                    slot[0] += s;
                }
            }

            return;
        }

        var kv = k - k % Wide;
        var tailMask = Vector512.GreaterThanOrEqual(
            Vector512.Create(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15), Vector512.Create(Wide - k % Wide)).AsSingle();
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
                Vector512<float> s00 = default, s01 = default, s02 = default, s10 = default, s11 = default, s12 = default;
                Vector512<float> s20 = default, s21 = default, s22 = default, s30 = default, s31 = default, s32 = default;
                for (var p = 0; p < kv; p += Wide)
                {
                    var y0 = Vector512.Load(b0 + p);
                    var y1 = Vector512.Load(b1 + p);
                    var y2 = Vector512.Load(b2 + p);
                    var x = Vector512.Load(a0 + p);
                    s00 = Vector512.FusedMultiplyAdd(x, y0, s00);
                    s01 = Vector512.FusedMultiplyAdd(x, y1, s01);
                    s02 = Vector512.FusedMultiplyAdd(x, y2, s02);
                    x = Vector512.Load(a1 + p);
                    s10 = Vector512.FusedMultiplyAdd(x, y0, s10);
                    s11 = Vector512.FusedMultiplyAdd(x, y1, s11);
                    s12 = Vector512.FusedMultiplyAdd(x, y2, s12);
                    x = Vector512.Load(a2 + p);
                    s20 = Vector512.FusedMultiplyAdd(x, y0, s20);
                    s21 = Vector512.FusedMultiplyAdd(x, y1, s21);
                    s22 = Vector512.FusedMultiplyAdd(x, y2, s22);
                    x = Vector512.Load(a3 + p);
                    s30 = Vector512.FusedMultiplyAdd(x, y0, s30);
                    s31 = Vector512.FusedMultiplyAdd(x, y1, s31);
                    s32 = Vector512.FusedMultiplyAdd(x, y2, s32);
                }

                if (kv < k)
                {
                    var p = k - Wide;
                    var y0 = Vector512.Load(b0 + p) & tailMask;
                    var y1 = Vector512.Load(b1 + p) & tailMask;
                    var y2 = Vector512.Load(b2 + p) & tailMask;
                    var x = Vector512.Load(a0 + p) & tailMask;
                    s00 = Vector512.FusedMultiplyAdd(x, y0, s00);
                    s01 = Vector512.FusedMultiplyAdd(x, y1, s01);
                    s02 = Vector512.FusedMultiplyAdd(x, y2, s02);
                    x = Vector512.Load(a1 + p) & tailMask;
                    s10 = Vector512.FusedMultiplyAdd(x, y0, s10);
                    s11 = Vector512.FusedMultiplyAdd(x, y1, s11);
                    s12 = Vector512.FusedMultiplyAdd(x, y2, s12);
                    x = Vector512.Load(a2 + p) & tailMask;
                    s20 = Vector512.FusedMultiplyAdd(x, y0, s20);
                    s21 = Vector512.FusedMultiplyAdd(x, y1, s21);
                    s22 = Vector512.FusedMultiplyAdd(x, y2, s22);
                    x = Vector512.Load(a3 + p) & tailMask;
                    s30 = Vector512.FusedMultiplyAdd(x, y0, s30);
                    s31 = Vector512.FusedMultiplyAdd(x, y1, s31);
                    s32 = Vector512.FusedMultiplyAdd(x, y2, s32);
                }

                var row = acc + ((long)i0 * n + j0) * Wide;
                var rowStride = (long)n * Wide;
                Put512(row, s00, first);
                Put512(row + Wide, s01, first, nr > 1);
                Put512(row + 2 * Wide, s02, first, nr > 2);
                if (mr > 1)
                {
                    Put512(row + rowStride, s10, first);
                    Put512(row + rowStride + Wide, s11, first, nr > 1);
                    Put512(row + rowStride + 2 * Wide, s12, first, nr > 2);
                }

                if (mr > 2)
                {
                    Put512(row + 2 * rowStride, s20, first);
                    Put512(row + 2 * rowStride + Wide, s21, first, nr > 1);
                    Put512(row + 2 * rowStride + 2 * Wide, s22, first, nr > 2);
                }

                if (mr > 3)
                {
                    Put512(row + 3 * rowStride, s30, first);
                    Put512(row + 3 * rowStride + Wide, s31, first, nr > 1);
                    Put512(row + 3 * rowStride + 2 * Wide, s32, first, nr > 2);
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Put512(float* slot, Vector512<float> v, bool first, bool store = true)
    {
        if (!store)
        {
            return;
        }

        if (!first)
        {
            v += Vector512.Load(slot);
        }

        v.Store(slot);
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
