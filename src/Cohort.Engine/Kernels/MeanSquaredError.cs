using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Cohort.Engine.Kernels;

/// <summary>
/// Squared error between predictions p and targets t: returns Σ(p − t)² and writes
/// gradientScale·2·(p − t) (with gradientScale = 1/(batch·outputs) the gradient of the mean).
/// </summary>
public static class MeanSquaredError
{
    /// <summary>Computes the sum of squared errors over the first <paramref name="count"/> elements.</summary>
    public static double Compute(
        ReadOnlySpan<float> predictions, ReadOnlySpan<float> targets, int count, Span<float> gradient, float gradientScale)
    {
        if (predictions.Length < count || targets.Length < count || gradient.Length < count)
        {
            throw new ArgumentException($"Squared error needs {count} predictions, targets and gradients.", nameof(predictions));
        }

        ref var rp = ref MemoryMarshal.GetReference(predictions);
        ref var rt = ref MemoryMarshal.GetReference(targets);
        ref var rg = ref MemoryMarshal.GetReference(gradient);
        var scale = 2f * gradientScale;
        var sum = 0.0;
        for (var i = 0; i < count; i++)
        {
            var d = Unsafe.Add(ref rp, i) - Unsafe.Add(ref rt, i);
            sum += (double)d * d;
            Unsafe.Add(ref rg, i) = d * scale;
        }

        return sum;
    }
}
