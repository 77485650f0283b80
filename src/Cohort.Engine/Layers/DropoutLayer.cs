using System.Numerics.Tensors;

namespace Cohort.Engine.Layers;

/// <summary>
/// Inverted dropout with the live rate p of <see cref="PassContext.DropoutRate"/>: in training mode with p &gt; 0
/// each unit is kept with probability 1 − p (one 32-bit draw of the engine RNG per unit) and scaled by 1/(1 − p);
/// otherwise the identity, drawing nothing.
/// </summary>
internal sealed class DropoutLayer(int[] shape, int maxBatch) : Layer(shape, shape)
{
    private readonly float[] _mask = new float[maxBatch * Product(shape)];
    private bool _identity = true;

    public override void Forward(
        ReadOnlySpan<float> parameters, ReadOnlySpan<float> x, Span<float> y, int batch, bool training, PassContext context)
    {
        var n = batch * InputSize;
        var p = context.DropoutRate;
        _identity = !training || p <= 0f;
        if (_identity)
        {
            x[..n].CopyTo(y);
            return;
        }

        var threshold = (uint)Math.Min(p * 4294967296.0, uint.MaxValue);
        var scale = 1f / (1f - p);
        var random = context.Random;
        var mask = _mask.AsSpan(0, n);
        var i = 0;
        for (; i + 1 < n; i += 2)
        {
            var bits = random.NextUInt64();
            mask[i] = (uint)bits < threshold ? 0f : scale;
            mask[i + 1] = (uint)(bits >> 32) < threshold ? 0f : scale;
        }

        if (i < n)
        {
            mask[i] = (uint)random.NextUInt64() < threshold ? 0f : scale;
        }

        TensorPrimitives.Multiply(x[..n], mask, y[..n]);
    }

    public override void Backward(
        ReadOnlySpan<float> parameters, Span<float> gradients, ReadOnlySpan<float> x, ReadOnlySpan<float> y,
        ReadOnlySpan<float> dy, Span<float> dx, int batch, PassContext context)
    {
        if (dx.IsEmpty)
        {
            return;
        }

        var n = batch * InputSize;
        if (_identity)
        {
            dy[..n].CopyTo(dx);
        }
        else
        {
            TensorPrimitives.Multiply(dy[..n], _mask.AsSpan(0, n), dx[..n]);
        }
    }
}
