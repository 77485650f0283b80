using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Cohort.Engine.Kernels;

/// <summary>Scalars of one Adam/AdamW update, precomputed once per step.</summary>
/// <param name="Beta1">β₁, decay of the first moment.</param>
/// <param name="Beta2">β₂, decay of the second moment.</param>
/// <param name="StepSize">α / (1 − β₁ᵗ).</param>
/// <param name="InverseSqrtBiasCorrection2">1 / √(1 − β₂ᵗ).</param>
/// <param name="Epsilon">ε.</param>
/// <param name="CoupledDecay">λ added as λ·w to the gradient (Adam's L2-style weight decay), 0 for AdamW.</param>
/// <param name="DecoupledFactor">1 − α·λ multiplying w before the update (AdamW), 1 for Adam.</param>
public readonly record struct AdamScalars(
    float Beta1, float Beta2, float StepSize, float InverseSqrtBiasCorrection2, float Epsilon,
    float CoupledDecay, float DecoupledFactor);

/// <summary>
/// Fused Adam / AdamW update (Kingma and Ba 2015, Algorithm 1; Loshchilov and Hutter 2019 for the decoupled decay),
/// with PyTorch's placement of ε: for every i,
/// g = ∇ᵢ + λc·wᵢ; w ← f·w; m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²; w ← w − s·m / (√v·c₂ + ε),
/// where s = α/(1−β₁ᵗ), c₂ = 1/√(1−β₂ᵗ), f = 1 − αλ for AdamW.
/// </summary>
public static class AdamStep
{
    /// <summary>Applies one update in place to weights w and moments m, v, given gradients g.</summary>
    public static void Apply(Span<float> w, ReadOnlySpan<float> g, Span<float> m, Span<float> v, in AdamScalars s)
    {
        var n = w.Length;
        if (g.Length < n || m.Length < n || v.Length < n)
        {
            throw new ArgumentException("Gradient and moment spans must be at least as long as the weights.", nameof(g));
        }

        ref var rw = ref MemoryMarshal.GetReference(w);
        ref var rg = ref MemoryMarshal.GetReference(g);
        ref var rm = ref MemoryMarshal.GetReference(m);
        ref var rv = ref MemoryMarshal.GetReference(v);
        var b1 = s.Beta1;
        var b2 = s.Beta2;
        var ob1 = 1f - b1;
        var ob2 = 1f - b2;
        var step = s.StepSize;
        var c2 = s.InverseSqrtBiasCorrection2;
        var eps = s.Epsilon;
        var lc = s.CoupledDecay;
        var f = s.DecoupledFactor;
        nuint i = 0;
        var len = (nuint)n;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i + 16 <= len; i += 16)
            {
                var wi = Vector512.LoadUnsafe(ref rw, i);
                var gi = Vector512.LoadUnsafe(ref rg, i) + (wi * lc);
                wi *= f;
                var mi = (Vector512.LoadUnsafe(ref rm, i) * b1) + (gi * ob1);
                var vi = (Vector512.LoadUnsafe(ref rv, i) * b2) + (gi * gi * ob2);
                wi -= step * mi / ((Vector512.Sqrt(vi) * c2) + Vector512.Create(eps));
                mi.StoreUnsafe(ref rm, i);
                vi.StoreUnsafe(ref rv, i);
                wi.StoreUnsafe(ref rw, i);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            for (; i + 8 <= len; i += 8)
            {
                var wi = Vector256.LoadUnsafe(ref rw, i);
                var gi = Vector256.LoadUnsafe(ref rg, i) + (wi * lc);
                wi *= f;
                var mi = (Vector256.LoadUnsafe(ref rm, i) * b1) + (gi * ob1);
                var vi = (Vector256.LoadUnsafe(ref rv, i) * b2) + (gi * gi * ob2);
                wi -= step * mi / ((Vector256.Sqrt(vi) * c2) + Vector256.Create(eps));
                mi.StoreUnsafe(ref rm, i);
                vi.StoreUnsafe(ref rv, i);
                wi.StoreUnsafe(ref rw, i);
            }
        }

        for (; i < len; i++)
        {
            var wi = Unsafe.Add(ref rw, i);
            var gi = Unsafe.Add(ref rg, i) + (wi * lc);
            wi *= f;
            var mi = (Unsafe.Add(ref rm, i) * b1) + (gi * ob1);
            var vi = (Unsafe.Add(ref rv, i) * b2) + (gi * gi * ob2);
            wi -= step * mi / ((MathF.Sqrt(vi) * c2) + eps);
            Unsafe.Add(ref rm, i) = mi;
            Unsafe.Add(ref rv, i) = vi;
            Unsafe.Add(ref rw, i) = wi;
        }
    }
}
