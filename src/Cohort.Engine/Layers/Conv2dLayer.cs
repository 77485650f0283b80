using Cohort.Engine.Kernels;
using Cohort.Engine.Models;

namespace Cohort.Engine.Layers;

/// <summary>
/// 2-D convolution over [C, H, W] samples with weight [filters, C·K·K] and bias [filters], on the
/// <see cref="Conv2d"/> kernels (im2col + GEMM); the workspace is sized once for the maximum batch and the threads.
/// </summary>
internal sealed class Conv2dLayer : Layer
{
    private readonly Conv2dShape _shape;
    private readonly float[] _workspace;

    public Conv2dLayer(int[] inputShape, Conv2dSpec spec, int maxBatch, int threads)
        : base(inputShape, OutShape(inputShape, spec))
    {
        _shape = new Conv2dShape(
            maxBatch, inputShape[0], inputShape[1], inputShape[2], spec.Filters, spec.Kernel, spec.Kernel,
            spec.Stride, spec.Stride, spec.Padding, spec.Padding);
        _shape.Validate();
        _workspace = new float[Conv2d.WorkspaceLength(_shape, threads)];
    }

    public override int WeightCount => _shape.WeightLength;

    public override int BiasCount => _shape.OutChannels;

    public override int FanIn => _shape.PatchSize;

    public override int FanOut => _shape.OutChannels * _shape.KernelHeight * _shape.KernelWidth;

    public override long MultiplyAddsPerSample => (long)_shape.PatchSize * _shape.OutputImageLength;

    public override void Forward(
        ReadOnlySpan<float> parameters, ReadOnlySpan<float> x, Span<float> y, int batch, bool training, PassContext context)
    {
        var s = _shape with { Batch = batch };
        Conv2d.Forward(
            s, x[..(batch * InputSize)], parameters.Slice(WeightOffset, WeightCount), parameters.Slice(BiasOffset, BiasCount),
            y[..(batch * OutputSize)], _workspace, context.Threads);
    }

    public override void Backward(
        ReadOnlySpan<float> parameters, Span<float> gradients, ReadOnlySpan<float> x, ReadOnlySpan<float> y,
        ReadOnlySpan<float> dy, Span<float> dx, int batch, PassContext context)
    {
        var s = _shape with { Batch = batch };
        Conv2d.Backward(
            s, x[..(batch * InputSize)], parameters.Slice(WeightOffset, WeightCount), dy[..(batch * OutputSize)],
            dx.IsEmpty ? dx : dx[..(batch * InputSize)], gradients.Slice(WeightOffset, WeightCount),
            gradients.Slice(BiasOffset, BiasCount), _workspace, context.Threads);
    }

    private static int[] OutShape(int[] input, Conv2dSpec spec) =>
    [
        spec.Filters,
        ((input[1] + (2 * spec.Padding) - spec.Kernel) / spec.Stride) + 1,
        ((input[2] + (2 * spec.Padding) - spec.Kernel) / spec.Stride) + 1,
    ];
}
