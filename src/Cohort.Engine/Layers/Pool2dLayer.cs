using Cohort.Engine.Models;

namespace Cohort.Engine.Layers;

internal sealed class Pool2dLayer : Layer
{
    public Pool2dLayer(int[] inputShape, Pool2dSpec spec, int maxBatch)
        : base(inputShape, [1, 1, 1])
    {
        throw new NotSupportedException("Pooling layers arrive with the conv kernels.");
    }

    public override void Forward(
        ReadOnlySpan<float> parameters, ReadOnlySpan<float> x, Span<float> y, int batch, bool training, PassContext context) =>
        throw new NotSupportedException();

    public override void Backward(
        ReadOnlySpan<float> parameters, Span<float> gradients, ReadOnlySpan<float> x, ReadOnlySpan<float> y,
        ReadOnlySpan<float> dy, Span<float> dx, int batch, PassContext context) =>
        throw new NotSupportedException();
}
