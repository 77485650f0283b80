using System.Numerics.Tensors;

namespace Cohort.Engine.Kernels;

/// <summary>
/// Fused, numerically stable softmax cross-entropy over rows of logits z (one row per sample, C classes) with class
/// indices t stored as floats: ℓ = log Σⱼ e^(zⱼ − max z) − (z_t − max z), ∂ℓ/∂z = softmax(z) − onehot(t).
/// </summary>
public static class SoftmaxCrossEntropy
{
    /// <summary>
    /// Returns Σ over rows of ℓ, writes gradientScale·(softmax − onehot) into <paramref name="gradient"/>
    /// (length ≥ rows·classes) and counts rows whose arg-max (first maximum) equals the target.
    /// </summary>
    public static double Compute(
        ReadOnlySpan<float> logits, ReadOnlySpan<float> targets, int rows, int classes,
        Span<float> gradient, float gradientScale, out int correct)
    {
        var total = rows * classes;
        if (logits.Length < total || gradient.Length < total || targets.Length < rows)
        {
            throw new ArgumentException(
                $"Softmax cross-entropy needs {total} logits and gradients and {rows} targets.", nameof(logits));
        }

        var sum = 0.0;
        correct = 0;
        for (var r = 0; r < rows; r++)
        {
            var target = targets[r];
            var t = (int)target;
            if (t < 0 || t >= classes || t != target)
            {
                throw new ArgumentException(
                    $"Target {target} of sample {r} is not a class index in [0, {classes}).", nameof(targets));
            }

            var z = logits.Slice(r * classes, classes);
            var g = gradient.Slice(r * classes, classes);
            var argMax = TensorPrimitives.IndexOfMax(z);
            var max = z[argMax];
            if (argMax == t)
            {
                correct++;
            }

            TensorPrimitives.Subtract(z, max, g);
            TensorPrimitives.Exp(g, g);
            var s = TensorPrimitives.Sum(g);
            sum += Math.Log(s) - (z[t] - max);
            TensorPrimitives.Multiply(g, gradientScale / s, g);
            g[t] -= gradientScale;
        }

        return sum;
    }
}
