using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Cohort.Engine.Kernels;

/// <summary>
/// Fused SGD with momentum (PyTorch convention, dampening 0): g = ∇ + λ·w; b ← μ·b + g;
/// u = g + μ·b (Nesterov) or u = b; w ← w − α·u. With μ = 0 this is plain SGD.
/// </summary>
public static class SgdStep
{
    /// <summary>Applies one update in place to weights w and momentum buffer b, given gradients g.</summary>
    public static void Apply(
        Span<float> w, ReadOnlySpan<float> g, Span<float> b,
        float learningRate, float momentum, float weightDecay, bool nesterov)
    {
        var n = w.Length;
        if (g.Length < n || b.Length < n)
        {
            throw new ArgumentException("Gradient and momentum spans must be at least as long as the weights.", nameof(g));
        }

        ref var rw = ref MemoryMarshal.GetReference(w);
        ref var rg = ref MemoryMarshal.GetReference(g);
        ref var rb = ref MemoryMarshal.GetReference(b);
        var lr = learningRate;
        var mu = momentum;
        var wd = weightDecay;
        nuint i = 0;
        var len = (nuint)n;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i + 16 <= len; i += 16)
            {
                var wi = Vector512.LoadUnsafe(ref rw, i);
                var gi = Vector512.LoadUnsafe(ref rg, i) + (wi * wd);
                var bi = (Vector512.LoadUnsafe(ref rb, i) * mu) + gi;
                var u = nesterov ? gi + (bi * mu) : bi;
                (wi - (u * lr)).StoreUnsafe(ref rw, i);
                bi.StoreUnsafe(ref rb, i);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            for (; i + 8 <= len; i += 8)
            {
                var wi = Vector256.LoadUnsafe(ref rw, i);
                var gi = Vector256.LoadUnsafe(ref rg, i) + (wi * wd);
                var bi = (Vector256.LoadUnsafe(ref rb, i) * mu) + gi;
                var u = nesterov ? gi + (bi * mu) : bi;
                (wi - (u * lr)).StoreUnsafe(ref rw, i);
                bi.StoreUnsafe(ref rb, i);
            }
        }

        for (; i < len; i++)
        {
            var wi = Unsafe.Add(ref rw, i);
            var gi = Unsafe.Add(ref rg, i) + (wi * wd);
            var bi = (Unsafe.Add(ref rb, i) * mu) + gi;
            var u = nesterov ? gi + (bi * mu) : bi;
            Unsafe.Add(ref rw, i) = wi - (u * lr);
            Unsafe.Add(ref rb, i) = bi;
        }
    }
}
