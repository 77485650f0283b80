using Cohort.Engine.Models;

namespace Cohort.Engine.Layers;

internal sealed class Conv2dLayer : Layer
{
    public Conv2dLayer(int[] inputShape, Conv2dSpec spec, int maxBatch)
        : base(inputShape, [spec.Filters, 1, 1])
    {
        throw new NotSupportedException("Conv2d layers arrive with the conv kernels.");
    }

    public override void Forward(
        ReadOnlySpan<float> parameters, ReadOnlySpan<float> x, Span<float> y, int batch, bool training, PassContext context) =>
        throw new NotSupportedException();

    public override void Backward(
        ReadOnlySpan<float> parameters, Span<float> gradients, ReadOnlySpan<float> x, ReadOnlySpan<float> y,
        ReadOnlySpan<float> dy, Span<float> dx, int batch, PassContext context) =>
        throw new NotSupportedException();
}
