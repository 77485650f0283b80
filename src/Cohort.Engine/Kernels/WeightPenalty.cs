using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Cohort.Engine.Kernels;

/// <summary>
/// Fused L1/L2 penalty on weights: adds λ₁·sign(w) + 2·λ₂·w to the gradient (sign(0) = 0) and returns the penalty
/// λ₁·Σ|w| + λ₂·Σw² (the L2 term is λ₂‖w‖², not λ₂/2‖w‖²; this matches the PyTorch peer and Keras' l1_l2).
/// </summary>
public static class WeightPenalty
{
    /// <summary>Applies the penalty gradient to g in place and returns the penalty value.</summary>
    public static double Apply(ReadOnlySpan<float> w, Span<float> g, float l1, float l2)
    {
        var n = w.Length;
        if (g.Length < n)
        {
            throw new ArgumentException("Gradient span is shorter than the weights.", nameof(g));
        }

        if (l1 == 0f && l2 == 0f)
        {
            return 0.0;
        }

        ref var rw = ref MemoryMarshal.GetReference(w);
        ref var rg = ref MemoryMarshal.GetReference(g);
        var twoL2 = 2f * l2;
        nuint i = 0;
        var len = (nuint)n;
        float abs;
        float sq;
        if (Vector512.IsHardwareAccelerated && len >= 16)
        {
            var accAbs = Vector512<float>.Zero;
            var accSq = Vector512<float>.Zero;
            var pos = Vector512.Create(l1);
            var neg = Vector512.Create(-l1);
            for (; i + 16 <= len; i += 16)
            {
                var wi = Vector512.LoadUnsafe(ref rw, i);
                var sign = Vector512.ConditionalSelect(
                    Vector512.GreaterThan(wi, Vector512<float>.Zero), pos,
                    Vector512.ConditionalSelect(Vector512.LessThan(wi, Vector512<float>.Zero), neg, Vector512<float>.Zero));
                (Vector512.LoadUnsafe(ref rg, i) + sign + (wi * twoL2)).StoreUnsafe(ref rg, i);
                accAbs += Vector512.Abs(wi);
                accSq += wi * wi;
            }

            abs = Vector512.Sum(accAbs);
            sq = Vector512.Sum(accSq);
        }
        else if (Vector256.IsHardwareAccelerated && len >= 8)
        {
            var accAbs = Vector256<float>.Zero;
            var accSq = Vector256<float>.Zero;
            var pos = Vector256.Create(l1);
            var neg = Vector256.Create(-l1);
            for (; i + 8 <= len; i += 8)
            {
                var wi = Vector256.LoadUnsafe(ref rw, i);
                var sign = Vector256.ConditionalSelect(
                    Vector256.GreaterThan(wi, Vector256<float>.Zero), pos,
                    Vector256.ConditionalSelect(Vector256.LessThan(wi, Vector256<float>.Zero), neg, Vector256<float>.Zero));
                (Vector256.LoadUnsafe(ref rg, i) + sign + (wi * twoL2)).StoreUnsafe(ref rg, i);
                accAbs += Vector256.Abs(wi);
                accSq += wi * wi;
            }

            abs = Vector256.Sum(accAbs);
            sq = Vector256.Sum(accSq);
        }
        else
        {
            abs = 0f;
            sq = 0f;
        }

        for (; i < len; i++)
        {
            var wi = Unsafe.Add(ref rw, i);
            var sign = wi > 0f ? l1 : wi < 0f ? -l1 : 0f;
            Unsafe.Add(ref rg, i) += sign + (wi * twoL2);
            abs += MathF.Abs(wi);
            sq += wi * wi;
        }

        return (l1 * (double)abs) + (l2 * (double)sq);
    }
}
