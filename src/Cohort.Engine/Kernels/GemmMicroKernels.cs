using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Cohort.Engine.Kernels;

/// <summary>
/// A GEMM register-blocked micro-kernel: computes the full <see cref="Mr"/> × <see cref="Nr"/> product of a packed
/// A micro-panel (element (i, p) at <c>a[p·Mr + i]</c>) and a B micro-panel (element (p, j) at
/// <c>b[p·bStride + j]</c>) over <c>kc</c> steps, accumulating from zero in increasing p, and writes the tile
/// row-major (stride <see cref="Nr"/>). A second, shorter variant with <see cref="MrSmall"/> rows serves the
/// remainder rows of a block. Every element of C sees the same sequence of multiply-adds whichever variant or tile
/// position computes it, which is what makes results independent of the thread partition.
/// </summary>
internal interface IGemmMicroKernel
{
    static abstract int Mr { get; }

    static abstract int MrSmall { get; }

    static abstract int Nr { get; }

    static abstract unsafe void Run(int kc, float* a, float* b, nint bStride, float* tile);

    static abstract unsafe void RunSmall(int kc, float* a, float* b, nint bStride, float* tile);

    /// <summary>
    /// <see cref="Run"/> followed by <see cref="Update"/> of a full-width tile with <paramref name="rows"/> valid
    /// rows (same per-element formulas), storing from registers where the kernel can.
    /// </summary>
    static abstract unsafe void RunStore(
        int kc, float* a, float* b, nint bStride, float* tile, int rows, float* c, nint ldc, float alpha, float beta,
        bool first);

    /// <summary>As <see cref="RunStore"/>, for the remainder kernel.</summary>
    static abstract unsafe void RunSmallStore(
        int kc, float* a, float* b, nint bStride, float* tile, int rows, float* c, nint ldc, float alpha, float beta,
        bool first);

    /// <summary>
    /// Writes a <paramref name="rows"/> × <paramref name="cols"/> tile (row stride <paramref name="tileStride"/>) into C:
    /// first block: C = alpha·T (beta = 0) or C = alpha·T + beta·C; later k-blocks: C = alpha·T + C.
    /// </summary>
    static abstract unsafe void Update(
        float* tile, nint tileStride, int rows, int cols, float* c, nint ldc, float alpha, float beta, bool first);
}

/// <summary>AVX-512 micro-kernel: 12 × 32 (24 zmm accumulators), remainder kernel 4 × 32.</summary>
internal readonly struct GemmKernel512 : IGemmMicroKernel
{
    public static int Mr => 12;

    public static int MrSmall => 4;

    public static int Nr => 32;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Fma(Vector512<float> a, Vector512<float> b, Vector512<float> c) =>
        Avx512F.FusedMultiplyAdd(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> TailMask(int count) =>
        Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(count)).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void Run(int kc, float* a, float* b, nint bStride, float* tile)
    {
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector512<float> c20 = default, c21 = default, c30 = default, c31 = default;
        Vector512<float> c40 = default, c41 = default, c50 = default, c51 = default;
        Vector512<float> c60 = default, c61 = default, c70 = default, c71 = default;
        Vector512<float> c80 = default, c81 = default, c90 = default, c91 = default;
        Vector512<float> ca0 = default, ca1 = default, cb0 = default, cb1 = default;
        for (var p = 0; p < kc; p++)
        {
            var b0 = Vector512.Load(b);
            var b1 = Vector512.Load(b + 16);
            var av = Vector512.Create(a[0]);
            c00 = Fma(av, b0, c00);
            c01 = Fma(av, b1, c01);
            av = Vector512.Create(a[1]);
            c10 = Fma(av, b0, c10);
            c11 = Fma(av, b1, c11);
            av = Vector512.Create(a[2]);
            c20 = Fma(av, b0, c20);
            c21 = Fma(av, b1, c21);
            av = Vector512.Create(a[3]);
            c30 = Fma(av, b0, c30);
            c31 = Fma(av, b1, c31);
            av = Vector512.Create(a[4]);
            c40 = Fma(av, b0, c40);
            c41 = Fma(av, b1, c41);
            av = Vector512.Create(a[5]);
            c50 = Fma(av, b0, c50);
            c51 = Fma(av, b1, c51);
            av = Vector512.Create(a[6]);
            c60 = Fma(av, b0, c60);
            c61 = Fma(av, b1, c61);
            av = Vector512.Create(a[7]);
            c70 = Fma(av, b0, c70);
            c71 = Fma(av, b1, c71);
            av = Vector512.Create(a[8]);
            c80 = Fma(av, b0, c80);
            c81 = Fma(av, b1, c81);
            av = Vector512.Create(a[9]);
            c90 = Fma(av, b0, c90);
            c91 = Fma(av, b1, c91);
            av = Vector512.Create(a[10]);
            ca0 = Fma(av, b0, ca0);
            ca1 = Fma(av, b1, ca1);
            av = Vector512.Create(a[11]);
            cb0 = Fma(av, b0, cb0);
            cb1 = Fma(av, b1, cb1);
            a += 12;
            b += bStride;
        }

        c00.Store(tile);
        c01.Store(tile + 16);
        c10.Store(tile + 32);
        c11.Store(tile + 48);
        c20.Store(tile + 64);
        c21.Store(tile + 80);
        c30.Store(tile + 96);
        c31.Store(tile + 112);
        c40.Store(tile + 128);
        c41.Store(tile + 144);
        c50.Store(tile + 160);
        c51.Store(tile + 176);
        c60.Store(tile + 192);
        c61.Store(tile + 208);
        c70.Store(tile + 224);
        c71.Store(tile + 240);
        c80.Store(tile + 256);
        c81.Store(tile + 272);
        c90.Store(tile + 288);
        c91.Store(tile + 304);
        ca0.Store(tile + 320);
        ca1.Store(tile + 336);
        cb0.Store(tile + 352);
        cb1.Store(tile + 368);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void RunStore(
        int kc, float* a, float* b, nint bStride, float* tile, int rows, float* c, nint ldc, float alpha, float beta,
        bool first)
    {
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector512<float> c20 = default, c21 = default, c30 = default, c31 = default;
        Vector512<float> c40 = default, c41 = default, c50 = default, c51 = default;
        Vector512<float> c60 = default, c61 = default, c70 = default, c71 = default;
        Vector512<float> c80 = default, c81 = default, c90 = default, c91 = default;
        Vector512<float> ca0 = default, ca1 = default, cb0 = default, cb1 = default;
        for (var p = 0; p < kc; p++)
        {
            var b0 = Vector512.Load(b);
            var b1 = Vector512.Load(b + 16);
            var av = Vector512.Create(a[0]);
            c00 = Fma(av, b0, c00);
            c01 = Fma(av, b1, c01);
            av = Vector512.Create(a[1]);
            c10 = Fma(av, b0, c10);
            c11 = Fma(av, b1, c11);
            av = Vector512.Create(a[2]);
            c20 = Fma(av, b0, c20);
            c21 = Fma(av, b1, c21);
            av = Vector512.Create(a[3]);
            c30 = Fma(av, b0, c30);
            c31 = Fma(av, b1, c31);
            av = Vector512.Create(a[4]);
            c40 = Fma(av, b0, c40);
            c41 = Fma(av, b1, c41);
            av = Vector512.Create(a[5]);
            c50 = Fma(av, b0, c50);
            c51 = Fma(av, b1, c51);
            av = Vector512.Create(a[6]);
            c60 = Fma(av, b0, c60);
            c61 = Fma(av, b1, c61);
            av = Vector512.Create(a[7]);
            c70 = Fma(av, b0, c70);
            c71 = Fma(av, b1, c71);
            av = Vector512.Create(a[8]);
            c80 = Fma(av, b0, c80);
            c81 = Fma(av, b1, c81);
            av = Vector512.Create(a[9]);
            c90 = Fma(av, b0, c90);
            c91 = Fma(av, b1, c91);
            av = Vector512.Create(a[10]);
            ca0 = Fma(av, b0, ca0);
            ca1 = Fma(av, b1, ca1);
            av = Vector512.Create(a[11]);
            cb0 = Fma(av, b0, cb0);
            cb1 = Fma(av, b1, cb1);
            a += 12;
            b += bStride;
        }

        var mode = first ? (beta == 0f ? 0 : 1) : 2;
        var va = Vector512.Create(alpha);
        var vb = Vector512.Create(beta);
        StoreRow(c00, c01, c, va, vb, mode);
        if (rows <= 1)
        {
            return;
        }

        StoreRow(c10, c11, c += ldc, va, vb, mode);
        if (rows <= 2)
        {
            return;
        }

        StoreRow(c20, c21, c += ldc, va, vb, mode);
        if (rows <= 3)
        {
            return;
        }

        StoreRow(c30, c31, c += ldc, va, vb, mode);
        if (rows <= 4)
        {
            return;
        }

        StoreRow(c40, c41, c += ldc, va, vb, mode);
        if (rows <= 5)
        {
            return;
        }

        StoreRow(c50, c51, c += ldc, va, vb, mode);
        if (rows <= 6)
        {
            return;
        }

        StoreRow(c60, c61, c += ldc, va, vb, mode);
        if (rows <= 7)
        {
            return;
        }

        StoreRow(c70, c71, c += ldc, va, vb, mode);
        if (rows <= 8)
        {
            return;
        }

        StoreRow(c80, c81, c += ldc, va, vb, mode);
        if (rows <= 9)
        {
            return;
        }

        StoreRow(c90, c91, c += ldc, va, vb, mode);
        if (rows <= 10)
        {
            return;
        }

        StoreRow(ca0, ca1, c += ldc, va, vb, mode);
        if (rows <= 11)
        {
            return;
        }

        StoreRow(cb0, cb1, c + ldc, va, vb, mode);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void RunSmallStore(
        int kc, float* a, float* b, nint bStride, float* tile, int rows, float* c, nint ldc, float alpha, float beta,
        bool first)
    {
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector512<float> c20 = default, c21 = default, c30 = default, c31 = default;
        for (var p = 0; p < kc; p++)
        {
            var b0 = Vector512.Load(b);
            var b1 = Vector512.Load(b + 16);
            var av = Vector512.Create(a[0]);
            c00 = Fma(av, b0, c00);
            c01 = Fma(av, b1, c01);
            av = Vector512.Create(a[1]);
            c10 = Fma(av, b0, c10);
            c11 = Fma(av, b1, c11);
            av = Vector512.Create(a[2]);
            c20 = Fma(av, b0, c20);
            c21 = Fma(av, b1, c21);
            av = Vector512.Create(a[3]);
            c30 = Fma(av, b0, c30);
            c31 = Fma(av, b1, c31);
            a += 4;
            b += bStride;
        }

        var mode = first ? (beta == 0f ? 0 : 1) : 2;
        var va = Vector512.Create(alpha);
        var vb = Vector512.Create(beta);
        StoreRow(c00, c01, c, va, vb, mode);
        if (rows <= 1)
        {
            return;
        }

        StoreRow(c10, c11, c += ldc, va, vb, mode);
        if (rows <= 2)
        {
            return;
        }

        StoreRow(c20, c21, c += ldc, va, vb, mode);
        if (rows <= 3)
        {
            return;
        }

        StoreRow(c30, c31, c + ldc, va, vb, mode);
    }

    /// <summary>One 32-wide row of C from two accumulators, by the formulas of <see cref="Update"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void StoreRow(
        Vector512<float> x0, Vector512<float> x1, float* c, Vector512<float> va, Vector512<float> vb, int mode)
    {
        if (mode == 0)
        {
            (va * x0).Store(c);
            (va * x1).Store(c + 16);
        }
        else if (mode == 1)
        {
            Fma(va, x0, vb * Vector512.Load(c)).Store(c);
            Fma(va, x1, vb * Vector512.Load(c + 16)).Store(c + 16);
        }
        else
        {
            Fma(va, x0, Vector512.Load(c)).Store(c);
            Fma(va, x1, Vector512.Load(c + 16)).Store(c + 16);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void RunSmall(int kc, float* a, float* b, nint bStride, float* tile)
    {
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector512<float> c20 = default, c21 = default, c30 = default, c31 = default;
        for (var p = 0; p < kc; p++)
        {
            var b0 = Vector512.Load(b);
            var b1 = Vector512.Load(b + 16);
            var av = Vector512.Create(a[0]);
            c00 = Fma(av, b0, c00);
            c01 = Fma(av, b1, c01);
            av = Vector512.Create(a[1]);
            c10 = Fma(av, b0, c10);
            c11 = Fma(av, b1, c11);
            av = Vector512.Create(a[2]);
            c20 = Fma(av, b0, c20);
            c21 = Fma(av, b1, c21);
            av = Vector512.Create(a[3]);
            c30 = Fma(av, b0, c30);
            c31 = Fma(av, b1, c31);
            a += 4;
            b += bStride;
        }

        c00.Store(tile);
        c01.Store(tile + 16);
        c10.Store(tile + 32);
        c11.Store(tile + 48);
        c20.Store(tile + 64);
        c21.Store(tile + 80);
        c30.Store(tile + 96);
        c31.Store(tile + 112);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void Update(
        float* tile, nint tileStride, int rows, int cols, float* c, nint ldc, float alpha, float beta, bool first)
    {
        var va = Vector512.Create(alpha);
        var vb = Vector512.Create(beta);
        for (var i = 0; i < rows; i++, tile += tileStride, c += ldc)
        {
            var j = 0;
            if (first && beta == 0f)
            {
                for (; j + 16 <= cols; j += 16)
                {
                    (va * Vector512.Load(tile + j)).Store(c + j);
                }

                if (j < cols)
                {
                    var mask = TailMask(cols - j);
                    Avx512F.MaskStore(c + j, mask, va * Avx512F.MaskLoad(tile + j, mask, Vector512<float>.Zero));
                }
            }
            else if (first)
            {
                for (; j + 16 <= cols; j += 16)
                {
                    Fma(va, Vector512.Load(tile + j), vb * Vector512.Load(c + j)).Store(c + j);
                }

                if (j < cols)
                {
                    var mask = TailMask(cols - j);
                    var t = Avx512F.MaskLoad(tile + j, mask, Vector512<float>.Zero);
                    var old = Avx512F.MaskLoad(c + j, mask, Vector512<float>.Zero);
                    Avx512F.MaskStore(c + j, mask, Fma(va, t, vb * old));
                }
            }
            else
            {
                for (; j + 16 <= cols; j += 16)
                {
                    Fma(va, Vector512.Load(tile + j), Vector512.Load(c + j)).Store(c + j);
                }

                if (j < cols)
                {
                    var mask = TailMask(cols - j);
                    var t = Avx512F.MaskLoad(tile + j, mask, Vector512<float>.Zero);
                    var old = Avx512F.MaskLoad(c + j, mask, Vector512<float>.Zero);
                    Avx512F.MaskStore(c + j, mask, Fma(va, t, old));
                }
            }
        }
    }
}

/// <summary>AVX2/FMA micro-kernel: 6 × 16 (12 ymm accumulators), remainder kernel 2 × 16.</summary>
internal readonly struct GemmKernel256 : IGemmMicroKernel
{
    public static int Mr => 6;

    public static int MrSmall => 2;

    public static int Nr => 16;

    public static unsafe void RunSmallStore(
        int kc, float* a, float* b, nint bStride, float* tile, int rows, float* c, nint ldc, float alpha, float beta,
        bool first)
    {
        RunSmall(kc, a, b, bStride, tile);
        Update(tile, Nr, rows, Nr, c, ldc, alpha, beta, first);
    }

    public static unsafe void RunStore(
        int kc, float* a, float* b, nint bStride, float* tile, int rows, float* c, nint ldc, float alpha, float beta,
        bool first)
    {
        Run(kc, a, b, bStride, tile);
        Update(tile, Nr, rows, Nr, c, ldc, alpha, beta, first);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Fma(Vector256<float> a, Vector256<float> b, Vector256<float> c) =>
        System.Runtime.Intrinsics.X86.Fma.MultiplyAdd(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void Run(int kc, float* a, float* b, nint bStride, float* tile)
    {
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector256<float> c20 = default, c21 = default, c30 = default, c31 = default;
        Vector256<float> c40 = default, c41 = default, c50 = default, c51 = default;
        for (var p = 0; p < kc; p++)
        {
            var b0 = Vector256.Load(b);
            var b1 = Vector256.Load(b + 8);
            var av = Vector256.Create(a[0]);
            c00 = Fma(av, b0, c00);
            c01 = Fma(av, b1, c01);
            av = Vector256.Create(a[1]);
            c10 = Fma(av, b0, c10);
            c11 = Fma(av, b1, c11);
            av = Vector256.Create(a[2]);
            c20 = Fma(av, b0, c20);
            c21 = Fma(av, b1, c21);
            av = Vector256.Create(a[3]);
            c30 = Fma(av, b0, c30);
            c31 = Fma(av, b1, c31);
            av = Vector256.Create(a[4]);
            c40 = Fma(av, b0, c40);
            c41 = Fma(av, b1, c41);
            av = Vector256.Create(a[5]);
            c50 = Fma(av, b0, c50);
            c51 = Fma(av, b1, c51);
            a += 6;
            b += bStride;
        }

        c00.Store(tile);
        c01.Store(tile + 8);
        c10.Store(tile + 16);
        c11.Store(tile + 24);
        c20.Store(tile + 32);
        c21.Store(tile + 40);
        c30.Store(tile + 48);
        c31.Store(tile + 56);
        c40.Store(tile + 64);
        c41.Store(tile + 72);
        c50.Store(tile + 80);
        c51.Store(tile + 88);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void RunSmall(int kc, float* a, float* b, nint bStride, float* tile)
    {
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default;
        for (var p = 0; p < kc; p++)
        {
            var b0 = Vector256.Load(b);
            var b1 = Vector256.Load(b + 8);
            var av = Vector256.Create(a[0]);
            c00 = Fma(av, b0, c00);
            c01 = Fma(av, b1, c01);
            av = Vector256.Create(a[1]);
            c10 = Fma(av, b0, c10);
            c11 = Fma(av, b1, c11);
            a += 2;
            b += bStride;
        }

        c00.Store(tile);
        c01.Store(tile + 8);
        c10.Store(tile + 16);
        c11.Store(tile + 24);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void Update(
        float* tile, nint tileStride, int rows, int cols, float* c, nint ldc, float alpha, float beta, bool first)
    {
        var va = Vector256.Create(alpha);
        var vb = Vector256.Create(beta);
        for (var i = 0; i < rows; i++, tile += tileStride, c += ldc)
        {
            var j = 0;
            if (first && beta == 0f)
            {
                for (; j + 8 <= cols; j += 8)
                {
                    (va * Vector256.Load(tile + j)).Store(c + j);
                }

                for (; j < cols; j++)
                {
                    c[j] = alpha * tile[j];
                }
            }
            else if (first)
            {
                for (; j + 8 <= cols; j += 8)
                {
                    Fma(va, Vector256.Load(tile + j), vb * Vector256.Load(c + j)).Store(c + j);
                }

                for (; j < cols; j++)
                {
                    c[j] = MathF.FusedMultiplyAdd(alpha, tile[j], beta * c[j]);
                }
            }
            else
            {
                for (; j + 8 <= cols; j += 8)
                {
                    Fma(va, Vector256.Load(tile + j), Vector256.Load(c + j)).Store(c + j);
                }

                for (; j < cols; j++)
                {
                    c[j] = MathF.FusedMultiplyAdd(alpha, tile[j], c[j]);
                }
            }
        }
    }
}

/// <summary>Portable scalar micro-kernel: 4 × 4 with separate multiply and add (no fused multiply-add).</summary>
internal readonly struct GemmKernelScalar : IGemmMicroKernel
{
    public static int Mr => 4;

    public static int MrSmall => 4;

    public static int Nr => 4;

    public static unsafe void RunSmallStore(
        int kc, float* a, float* b, nint bStride, float* tile, int rows, float* c, nint ldc, float alpha, float beta,
        bool first)
    {
        RunSmall(kc, a, b, bStride, tile);
        Update(tile, Nr, rows, Nr, c, ldc, alpha, beta, first);
    }

    public static unsafe void RunStore(
        int kc, float* a, float* b, nint bStride, float* tile, int rows, float* c, nint ldc, float alpha, float beta,
        bool first)
    {
        Run(kc, a, b, bStride, tile);
        Update(tile, Nr, rows, Nr, c, ldc, alpha, beta, first);
    }

    public static unsafe void Run(int kc, float* a, float* b, nint bStride, float* tile)
    {
        float c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
        float c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
        for (var p = 0; p < kc; p++)
        {
            float b0 = b[0], b1 = b[1], b2 = b[2], b3 = b[3];
            var av = a[0];
            c00 += av * b0;
            c01 += av * b1;
            c02 += av * b2;
            c03 += av * b3;
            av = a[1];
            c10 += av * b0;
            c11 += av * b1;
            c12 += av * b2;
            c13 += av * b3;
            av = a[2];
            c20 += av * b0;
            c21 += av * b1;
            c22 += av * b2;
            c23 += av * b3;
            av = a[3];
            c30 += av * b0;
            c31 += av * b1;
            c32 += av * b2;
            c33 += av * b3;
            a += 4;
            b += bStride;
        }

        tile[0] = c00;
        tile[1] = c01;
        tile[2] = c02;
        tile[3] = c03;
        tile[4] = c10;
        tile[5] = c11;
        tile[6] = c12;
        tile[7] = c13;
        tile[8] = c20;
        tile[9] = c21;
        tile[10] = c22;
        tile[11] = c23;
        tile[12] = c30;
        tile[13] = c31;
        tile[14] = c32;
        tile[15] = c33;
    }

    public static unsafe void RunSmall(int kc, float* a, float* b, nint bStride, float* tile) =>
        Run(kc, a, b, bStride, tile);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void Update(
        float* tile, nint tileStride, int rows, int cols, float* c, nint ldc, float alpha, float beta, bool first)
    {
        for (var i = 0; i < rows; i++, tile += tileStride, c += ldc)
        {
            for (var j = 0; j < cols; j++)
            {
                c[j] = first
                    ? (beta == 0f ? alpha * tile[j] : (alpha * tile[j]) + (beta * c[j]))
                    : (alpha * tile[j]) + c[j];
            }
        }
    }
}
