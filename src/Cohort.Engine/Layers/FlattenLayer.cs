namespace Cohort.Engine.Layers;

/// <summary>Reshape to a vector: values are copied unchanged.</summary>
internal sealed class FlattenLayer(int[] inputShape) : Layer(inputShape, [Product(inputShape)])
{
    public override void Forward(
        ReadOnlySpan<float> parameters, ReadOnlySpan<float> x, Span<float> y, int batch, bool training, PassContext context) =>
        x[..(batch * InputSize)].CopyTo(y);

    public override void Backward(
        ReadOnlySpan<float> parameters, Span<float> gradients, ReadOnlySpan<float> x, ReadOnlySpan<float> y,
        ReadOnlySpan<float> dy, Span<float> dx, int batch, PassContext context)
    {
        if (!dx.IsEmpty)
        {
            dy[..(batch * InputSize)].CopyTo(dx);
        }
    }
}
