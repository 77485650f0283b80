using System.Numerics.Tensors;
using Cohort.Engine.Kernels;

namespace Cohort.Engine.Layers;

/// <summary>Fully connected: y = x·Wᵀ + b with W [out, in] at WeightOffset and b [out] at BiasOffset.</summary>
internal sealed class DenseLayer : Layer
{
    private readonly int _in;
    private readonly int _out;

    public DenseLayer(int[] inputShape, int units)
        : base(inputShape, [units])
    {
        _in = InputSize;
        _out = units;
    }

    public override int WeightCount => _in * _out;

    public override int BiasCount => _out;

    public override int FanIn => _in;

    public override int FanOut => _out;

    public override long MultiplyAddsPerSample => (long)_in * _out;

    public override void Forward(
        ReadOnlySpan<float> parameters, ReadOnlySpan<float> x, Span<float> y, int batch, bool training, PassContext context)
    {
        var w = parameters.Slice(WeightOffset, _in * _out);
        var b = parameters.Slice(BiasOffset, _out);
        Gemm.Compute(Transpose.No, Transpose.Yes, batch, _out, _in, 1f, x, _in, w, _in, 0f, y, _out, context.Threads);
        for (var r = 0; r < batch; r++)
        {
            var row = y.Slice(r * _out, _out);
            TensorPrimitives.Add(row, b, row);
        }
    }

    public override void Backward(
        ReadOnlySpan<float> parameters, Span<float> gradients, ReadOnlySpan<float> x, ReadOnlySpan<float> y,
        ReadOnlySpan<float> dy, Span<float> dx, int batch, PassContext context)
    {
        var w = parameters.Slice(WeightOffset, _in * _out);
        var dw = gradients.Slice(WeightOffset, _in * _out);
        var db = gradients.Slice(BiasOffset, _out);

        // dW [out, in] = dyᵀ [out, batch] · x [batch, in]
        Gemm.Compute(Transpose.Yes, Transpose.No, _out, _in, batch, 1f, dy, _out, x, _in, 0f, dw, _in, context.Threads);

        // db = Σ_rows dy
        dy[.._out].CopyTo(db);
        for (var r = 1; r < batch; r++)
        {
            TensorPrimitives.Add(db, dy.Slice(r * _out, _out), db);
        }

        if (!dx.IsEmpty)
        {
            // dx [batch, in] = dy [batch, out] · W [out, in]
            Gemm.Compute(Transpose.No, Transpose.No, batch, _in, _out, 1f, dy, _out, w, _in, 0f, dx, _in, context.Threads);
        }
    }
}
