using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Cohort.Engine.Kernels;

/// <summary>Transposing copies used to pack GEMM panels (bit-exact copies: the ISA used does not change results).</summary>
internal static unsafe class GemmPacking
{
    /// <summary>
    /// dst[p·dstStride + r] = src[r·ld + p] for p &lt; kc and r &lt; width, with zeros where r ≥ rows
    /// (rows ≤ width ≤ 16). With AVX-512, 16×16 blocks are transposed in registers; stores are 16 floats wide, so
    /// up to 16 − width floats past a row's end are scratched (overwritten by later rows, or by later panels, or
    /// falling in the buffer's slack).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Transpose16(float* src, nint ld, int rows, int kc, float* dst, nint dstStride, int width)
    {
        var p = 0;
        if (Avx512F.IsSupported)
        {
            for (; p + 16 <= kc; p += 16)
            {
                var s = src + p;
                var r0 = Row(s, ld, 0, rows);
                var r1 = Row(s, ld, 1, rows);
                var r2 = Row(s, ld, 2, rows);
                var r3 = Row(s, ld, 3, rows);
                var r4 = Row(s, ld, 4, rows);
                var r5 = Row(s, ld, 5, rows);
                var r6 = Row(s, ld, 6, rows);
                var r7 = Row(s, ld, 7, rows);
                var r8 = Row(s, ld, 8, rows);
                var r9 = Row(s, ld, 9, rows);
                var ra = Row(s, ld, 10, rows);
                var rb = Row(s, ld, 11, rows);
                var rc = Row(s, ld, 12, rows);
                var rd = Row(s, ld, 13, rows);
                var re = Row(s, ld, 14, rows);
                var rf = Row(s, ld, 15, rows);

                // 4×4 transposes inside each 128-bit lane, for each group of four rows.
                Lane4x4(r0, r1, r2, r3, out var g00, out var g01, out var g02, out var g03);
                Lane4x4(r4, r5, r6, r7, out var g10, out var g11, out var g12, out var g13);
                Lane4x4(r8, r9, ra, rb, out var g20, out var g21, out var g22, out var g23);
                Lane4x4(rc, rd, re, rf, out var g30, out var g31, out var g32, out var g33);

                // Then 4×4 transposes of 128-bit lanes across the groups: output row 4L + c. Stores go in
                // ascending row order, so each store's overhang is overwritten by the next.
                Lanes(g00, g10, g20, g30, out var o0, out var o4, out var o8, out var o12);
                Lanes(g01, g11, g21, g31, out var o1, out var o5, out var o9, out var o13);
                Lanes(g02, g12, g22, g32, out var o2, out var o6, out var o10, out var o14);
                Lanes(g03, g13, g23, g33, out var o3, out var o7, out var o11, out var o15);
                var d = dst + (p * dstStride);
                o0.Store(d);
                o1.Store(d + dstStride);
                o2.Store(d + (2 * dstStride));
                o3.Store(d + (3 * dstStride));
                o4.Store(d + (4 * dstStride));
                o5.Store(d + (5 * dstStride));
                o6.Store(d + (6 * dstStride));
                o7.Store(d + (7 * dstStride));
                o8.Store(d + (8 * dstStride));
                o9.Store(d + (9 * dstStride));
                o10.Store(d + (10 * dstStride));
                o11.Store(d + (11 * dstStride));
                o12.Store(d + (12 * dstStride));
                o13.Store(d + (13 * dstStride));
                o14.Store(d + (14 * dstStride));
                o15.Store(d + (15 * dstStride));
            }
        }

        if (Avx512F.IsSupported && p < kc)
        {
            // Ragged end (fewer than 16 columns left): masked loads (masked-off lanes never fault), then the
            // rows of the transposed block are copied out through a small buffer.
            var len = kc - p;
            var mask = Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(len)).AsSingle();
            var s = src + p;
            Lane4x4(Masked(s, ld, 0, rows, mask), Masked(s, ld, 1, rows, mask), Masked(s, ld, 2, rows, mask), Masked(s, ld, 3, rows, mask), out var g00, out var g01, out var g02, out var g03);
            Lane4x4(Masked(s, ld, 4, rows, mask), Masked(s, ld, 5, rows, mask), Masked(s, ld, 6, rows, mask), Masked(s, ld, 7, rows, mask), out var g10, out var g11, out var g12, out var g13);
            Lane4x4(Masked(s, ld, 8, rows, mask), Masked(s, ld, 9, rows, mask), Masked(s, ld, 10, rows, mask), Masked(s, ld, 11, rows, mask), out var g20, out var g21, out var g22, out var g23);
            Lane4x4(Masked(s, ld, 12, rows, mask), Masked(s, ld, 13, rows, mask), Masked(s, ld, 14, rows, mask), Masked(s, ld, 15, rows, mask), out var g30, out var g31, out var g32, out var g33);
            var buffer = stackalloc float[256];
            Lanes(g00, g10, g20, g30, out var o0, out var o4, out var o8, out var o12);
            Lanes(g01, g11, g21, g31, out var o1, out var o5, out var o9, out var o13);
            Lanes(g02, g12, g22, g32, out var o2, out var o6, out var o10, out var o14);
            Lanes(g03, g13, g23, g33, out var o3, out var o7, out var o11, out var o15);
            o0.Store(buffer);
            o1.Store(buffer + 16);
            o2.Store(buffer + 32);
            o3.Store(buffer + 48);
            o4.Store(buffer + 64);
            o5.Store(buffer + 80);
            o6.Store(buffer + 96);
            o7.Store(buffer + 112);
            o8.Store(buffer + 128);
            o9.Store(buffer + 144);
            o10.Store(buffer + 160);
            o11.Store(buffer + 176);
            o12.Store(buffer + 192);
            o13.Store(buffer + 208);
            o14.Store(buffer + 224);
            o15.Store(buffer + 240);
            var d = dst + (p * dstStride);
            for (var j = 0; j < len; j++)
            {
                Vector512.Load(buffer + (j * 16)).Store(d + (j * dstStride));
            }

            return;
        }

        for (; p < kc; p++)
        {
            var d = dst + (p * dstStride);
            for (var r = 0; r < width; r++)
            {
                d[r] = r < rows ? src[(r * ld) + p] : 0f;
            }
        }
    }

    /// <summary>
    /// For p &lt; kc: dst[p·dstStride + j] = src[p·ld + j] for j &lt; count, 0 for count ≤ j &lt; width (width ≤ 32).
    /// With AVX-512 the stores are 16 or 32 floats wide and may scratch up to 16 floats past a row (see
    /// <see cref="Transpose16"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void CopyRows(float* src, nint ld, int count, int kc, float* dst, nint dstStride, int width)
    {
        if (Avx512F.IsSupported)
        {
            var lanes = Vector512<int>.Indices;
            var m0 = Vector512.LessThan(lanes, Vector512.Create(count)).AsSingle();
            if (width <= 16)
            {
                for (var p = 0; p < kc; p++)
                {
                    Avx512F.MaskLoad(src + (p * ld), m0, Vector512<float>.Zero).Store(dst + (p * dstStride));
                }

                return;
            }

            var m1 = Vector512.LessThan(lanes, Vector512.Create(count - 16)).AsSingle();
            for (var p = 0; p < kc; p++)
            {
                var s = src + (p * ld);
                var d = dst + (p * dstStride);
                Avx512F.MaskLoad(s, m0, Vector512<float>.Zero).Store(d);
                Avx512F.MaskLoad(s + 16, m1, Vector512<float>.Zero).Store(d + 16);
            }

            return;
        }

        for (var p = 0; p < kc; p++)
        {
            var s = src + (p * ld);
            var d = dst + (p * dstStride);
            for (var j = 0; j < width; j++)
            {
                d[j] = j < count ? s[j] : 0f;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Row(float* s, nint ld, int r, int rows) =>
        r < rows ? Vector512.Load(s + (r * ld)) : Vector512<float>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Masked(float* s, nint ld, int r, int rows, Vector512<float> mask) =>
        r < rows ? Avx512F.MaskLoad(s + (r * ld), mask, Vector512<float>.Zero) : Vector512<float>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Lane4x4(
        Vector512<float> a, Vector512<float> b, Vector512<float> c, Vector512<float> d,
        out Vector512<float> c0, out Vector512<float> c1, out Vector512<float> c2, out Vector512<float> c3)
    {
        var t0 = Avx512F.UnpackLow(a, b);
        var t1 = Avx512F.UnpackHigh(a, b);
        var t2 = Avx512F.UnpackLow(c, d);
        var t3 = Avx512F.UnpackHigh(c, d);
        c0 = Avx512F.Shuffle(t0, t2, 0x44);
        c1 = Avx512F.Shuffle(t0, t2, 0xEE);
        c2 = Avx512F.Shuffle(t1, t3, 0x44);
        c3 = Avx512F.Shuffle(t1, t3, 0xEE);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Lanes(
        Vector512<float> v0, Vector512<float> v1, Vector512<float> v2, Vector512<float> v3,
        out Vector512<float> l0, out Vector512<float> l1, out Vector512<float> l2, out Vector512<float> l3)
    {
        var w0 = Avx512F.Shuffle4x128(v0, v1, 0x44);
        var w1 = Avx512F.Shuffle4x128(v0, v1, 0xEE);
        var w2 = Avx512F.Shuffle4x128(v2, v3, 0x44);
        var w3 = Avx512F.Shuffle4x128(v2, v3, 0xEE);
        l0 = Avx512F.Shuffle4x128(w0, w2, 0x88);
        l1 = Avx512F.Shuffle4x128(w0, w2, 0xDD);
        l2 = Avx512F.Shuffle4x128(w1, w3, 0x88);
        l3 = Avx512F.Shuffle4x128(w1, w3, 0xDD);
    }
}
