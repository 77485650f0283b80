using Cohort.Engine.Kernels;
using Cohort.Engine.Models;

namespace Cohort.Engine.Layers;

/// <summary>Max or average pooling over [C, H, W] samples on the <see cref="Pooling"/> kernels.</summary>
internal sealed class Pool2dLayer : Layer
{
    private readonly PoolShape _shape;
    private readonly PoolKind _kind;
    private readonly int[] _argmax;

    public Pool2dLayer(int[] inputShape, Pool2dSpec spec, int maxBatch)
        : base(inputShape, OutShape(inputShape, spec))
    {
        _kind = spec.Kind;
        _shape = new PoolShape(maxBatch, inputShape[0], inputShape[1], inputShape[2], spec.Size, spec.EffectiveStride);
        _shape.Validate();
        _argmax = spec.Kind == PoolKind.Max ? new int[_shape.OutputLength] : [];
    }

    public override void Forward(
        ReadOnlySpan<float> parameters, ReadOnlySpan<float> x, Span<float> y, int batch, bool training, PassContext context)
    {
        var s = _shape with { Batch = batch };
        if (_kind == PoolKind.Max)
        {
            Pooling.MaxForward(s, x[..s.InputLength], y[..s.OutputLength], _argmax.AsSpan(0, s.OutputLength));
        }
        else
        {
            Pooling.AverageForward(s, x[..s.InputLength], y[..s.OutputLength]);
        }
    }

    public override void Backward(
        ReadOnlySpan<float> parameters, Span<float> gradients, ReadOnlySpan<float> x, ReadOnlySpan<float> y,
        ReadOnlySpan<float> dy, Span<float> dx, int batch, PassContext context)
    {
        if (dx.IsEmpty)
        {
            return;
        }

        var s = _shape with { Batch = batch };
        if (_kind == PoolKind.Max)
        {
            Pooling.MaxBackward(s, dy[..s.OutputLength], _argmax.AsSpan(0, s.OutputLength), dx[..s.InputLength]);
        }
        else
        {
            Pooling.AverageBackward(s, dy[..s.OutputLength], dx[..s.InputLength]);
        }
    }

    private static int[] OutShape(int[] input, Pool2dSpec spec) =>
    [
        input[0],
        ((input[1] - spec.Size) / spec.EffectiveStride) + 1,
        ((input[2] - spec.Size) / spec.EffectiveStride) + 1,
    ];
}
