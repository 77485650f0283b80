using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Cohort.Core.GaussianProcesses;

/// <summary>Distances and argument checks shared by the kernels.</summary>
internal static class KernelMath
{
    /// <summary>‖a − b‖²; in one dimension the square of the difference.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double SquaredDistance(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        var sum = 0.0;
        for (var i = 0; i < a.Length; i++)
        {
            var d = a[i] - b[i];
            sum += d * d;
        }

        return sum;
    }

    /// <summary>
    /// Σ a_i b_i over equal-length spans, for the short rows of the triangular solves and the Cholesky factorisation
    /// (a few to a few hundred entries), where TensorPrimitives.Dot's dispatch costs more than the arithmetic: two
    /// four-wide fused multiply-add accumulators, then a scalar tail (a forward solve of 56 rows measured 2.5× faster
    /// than with TensorPrimitives.Dot, benchmarks/Cohort.Benchmarks pb2-replay). The order of the additions depends on
    /// whether 256-bit vectors are accelerated, which docs/determinism.md allows.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    public static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        var length = a.Length;
        if (b.Length < length)
        {
            throw new ArgumentException("The spans differ in length.", nameof(b));
        }

        ref var ra = ref MemoryMarshal.GetReference(a);
        ref var rb = ref MemoryMarshal.GetReference(b);
        var i = 0;
        var sum = 0.0;
        if (Vector256.IsHardwareAccelerated && length >= Vector256<double>.Count)
        {
            var even = Vector256<double>.Zero;
            var odd = Vector256<double>.Zero;
            for (; i <= length - 8; i += 8)
            {
                even = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref ra, (nuint)i), Vector256.LoadUnsafe(ref rb, (nuint)i), even);
                odd = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref ra, (nuint)(i + 4)), Vector256.LoadUnsafe(ref rb, (nuint)(i + 4)), odd);
            }

            if (i <= length - 4)
            {
                even = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref ra, (nuint)i), Vector256.LoadUnsafe(ref rb, (nuint)i), even);
                i += 4;
            }

            sum = Vector256.Sum(even + odd);
        }

        for (; i < length; i++)
        {
            sum += Unsafe.Add(ref ra, i) * Unsafe.Add(ref rb, i);
        }

        return sum;
    }

    /// <summary>
    /// y_i = Σ_{j ≤ i} M_ij x_j for rows <paramref name="from"/> … <paramref name="to"/> − 1 of a lower-triangular M
    /// stored by rows <paramref name="stride"/> apart with zeros above the diagonal (so that a row may be read past its
    /// diagonal), and returns Σ y_i² over those rows. The rows are independent, so four are computed at once sharing the
    /// loads of x (<see cref="Dot4"/>; no chain of divisions as in a forward substitution: measured ~10× faster for 56 rows).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double LowerTriangularRows(double[] m, int stride, ReadOnlySpan<double> x, Span<double> y, int from, int to)
    {
        ref var rx = ref MemoryMarshal.GetReference(x);
        var quad = 0.0;
        var i = from;
        for (; i + 3 < to; i += 4)
        {
            // Rows i … i + 3 over columns 0 … i + 3: entries past a row's diagonal are zeros.
            var (s0, s1, s2, s3) = Dot4(m, i * stride, stride, ref rx, i + 4);
            y[i] = s0;
            y[i + 1] = s1;
            y[i + 2] = s2;
            y[i + 3] = s3;
            quad += (s0 * s0) + (s1 * s1) + (s2 * s2) + (s3 * s3);
        }

        for (; i < to; i++)
        {
            var s = Dot(new ReadOnlySpan<double>(m, i * stride, i + 1), x[..(i + 1)]);
            y[i] = s;
            quad += s * s;
        }

        return quad;
    }

    /// <summary>
    /// The dot products of four rows of <paramref name="m"/> (at <paramref name="offset"/>, <paramref name="stride"/>
    /// apart) with x over the first <paramref name="length"/> entries: four-wide fused multiply-adds sharing the loads of
    /// x, then a scalar tail (scalar throughout where 256-bit vectors are not accelerated).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    public static (double S0, double S1, double S2, double S3) Dot4(double[] m, int offset, int stride, ref double x, int length)
    {
        if (offset < 0 || offset + (3 * stride) + length > m.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(offset));
        }

        ref var r0 = ref m[offset];
        ref var r1 = ref Unsafe.Add(ref r0, stride);
        ref var r2 = ref Unsafe.Add(ref r1, stride);
        ref var r3 = ref Unsafe.Add(ref r2, stride);
        var j = 0;
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        if (Vector256.IsHardwareAccelerated && length >= Vector256<double>.Count)
        {
            var a0 = Vector256<double>.Zero;
            var a1 = Vector256<double>.Zero;
            var a2 = Vector256<double>.Zero;
            var a3 = Vector256<double>.Zero;
            for (; j <= length - 4; j += 4)
            {
                var xv = Vector256.LoadUnsafe(ref x, (nuint)j);
                a0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref r0, (nuint)j), xv, a0);
                a1 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref r1, (nuint)j), xv, a1);
                a2 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref r2, (nuint)j), xv, a2);
                a3 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref r3, (nuint)j), xv, a3);
            }

            (s0, s1, s2, s3) = (Vector256.Sum(a0), Vector256.Sum(a1), Vector256.Sum(a2), Vector256.Sum(a3));
        }

        for (; j < length; j++)
        {
            var xj = Unsafe.Add(ref x, j);
            s0 += Unsafe.Add(ref r0, j) * xj;
            s1 += Unsafe.Add(ref r1, j) * xj;
            s2 += Unsafe.Add(ref r2, j) * xj;
            s3 += Unsafe.Add(ref r3, j) * xj;
        }

        return (s0, s1, s2, s3);
    }

    /// <summary>‖a − b‖; exactly |a − b| in one dimension.</summary>
    public static double Distance(ReadOnlySpan<double> a, ReadOnlySpan<double> b) =>
        a.Length == 1 ? Math.Abs(a[0] - b[0]) : Math.Sqrt(SquaredDistance(a, b));

    public static double Positive(double value, string name)
    {
        if (!(double.IsFinite(value) && value > 0))
        {
            throw new ArgumentOutOfRangeException(name, value, string.Create(CultureInfo.InvariantCulture, $"{name} must be finite and > 0; got {value}."));
        }

        return value;
    }
}
