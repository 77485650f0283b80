using Cohort.Engine.Kernels;
using Cohort.Engine.Models;

namespace Cohort.Engine.Layers;

/// <summary>
/// 2-D convolution over [C, H, W] samples with weight [filters, C·K·K] and bias [filters], on the
/// <see cref="Conv2d"/> kernels (im2col + GEMM); the workspace is sized once for the maximum batch and the threads,
/// and a training-mode forward keeps its im2col matrices for the backward pass when they are small.
/// </summary>
internal sealed class Conv2dLayer : Layer
{
    private readonly Conv2dShape _shape;
    private readonly float[] _workspace;
    private readonly bool _keep;
    private int _keptBatch;

    /// <summary>Keep im2col matrices between the passes only while they fit in cache (measured: faster at LeNet-5
    /// batch 32, slower at batch 128); either way the results are the same bits.</summary>
    public const long KeepColumnsLimit = 1L << 20;

    public Conv2dLayer(int[] inputShape, Conv2dSpec spec, int maxBatch, int threads)
        : base(inputShape, OutShape(inputShape, spec))
    {
        _shape = new Conv2dShape(
            maxBatch, inputShape[0], inputShape[1], inputShape[2], spec.Filters, spec.Kernel, spec.Kernel,
            spec.Stride, spec.Stride, spec.Padding, spec.Padding);
        _shape.Validate();
        _keep = (long)maxBatch * _shape.PatchSize * _shape.OutHeight * _shape.OutWidth <= KeepColumnsLimit;
        _workspace = new float[_keep
            ? Conv2d.WorkspaceLengthKeepingColumns(_shape, threads)
            : Conv2d.WorkspaceLength(_shape, threads)];
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
        var input = x[..(batch * InputSize)];
        var w = parameters.Slice(WeightOffset, WeightCount);
        var b = parameters.Slice(BiasOffset, BiasCount);
        if (training && _keep)
        {
            // Keep the im2col matrices for the backward pass that follows (same input buffer, same batch).
            Conv2d.ForwardKeepingColumns(s, input, w, b, y[..(batch * OutputSize)], _workspace, context.Threads);
            _keptBatch = batch;
        }
        else
        {
            Conv2d.Forward(s, input, w, b, y[..(batch * OutputSize)], _workspace, context.Threads);
            _keptBatch = 0;
        }
    }

    public override void Backward(
        ReadOnlySpan<float> parameters, Span<float> gradients, ReadOnlySpan<float> x, ReadOnlySpan<float> y,
        ReadOnlySpan<float> dy, Span<float> dx, int batch, PassContext context)
    {
        var s = _shape with { Batch = batch };
        if (_keptBatch == batch)
        {
            Conv2d.BackwardFromKeptColumns(
                s, x[..(batch * InputSize)], parameters.Slice(WeightOffset, WeightCount), dy[..(batch * OutputSize)],
                dx.IsEmpty ? dx : dx[..(batch * InputSize)], gradients.Slice(WeightOffset, WeightCount),
                gradients.Slice(BiasOffset, BiasCount), _workspace, context.Threads);
            return;
        }

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
