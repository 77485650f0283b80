using System.Numerics.Tensors;
using Cohort.Engine.Kernels;

namespace Cohort.Engine.Layers;

/// <summary>
/// Fully connected: y = x·Wᵀ + b with W [out, in] at WeightOffset and b [out] at BiasOffset. Layers with at most
/// <see cref="SmallLimit"/> weights run on <see cref="SmallGemm"/> (no packing; W transposed into a scratch
/// buffer) or, with fewer than 16 outputs, on dot products; larger ones on the blocked, threaded <see cref="Gemm"/>. The choice depends only on the shape.
/// </summary>
internal sealed class DenseLayer : Layer
{
    /// <summary>Largest in·out handled by the small-matrix path.</summary>
    public const int SmallLimit = 4096;

    private readonly int _in;
    private readonly int _out;
    private readonly float[] _scratch;

    public DenseLayer(int[] inputShape, int units)
        : base(inputShape, [units])
    {
        _in = InputSize;
        _out = units;
        IsSmall = (long)_in * _out <= SmallLimit;
        _scratch = IsSmall ? new float[_in * _out] : [];
    }

    public bool IsSmall { get; }

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
        if (IsSmall && _out >= 16)
        {
            // y [batch, out] = b + x [batch, in] · Wᵀ [in, out], vectorised along out
            SmallGemm.TransposeInto(w, _out, _in, _scratch);
            SmallGemm.Compute(batch, _out, _in, x, _in, 1, _scratch, _out, b, y, _out);
            return;
        }

        if (IsSmall)
        {
            // Few outputs: dot products of x rows with W rows, vectorised along in.
            SmallGemm.DotRows(batch, _out, _in, x, _in, w, _in, y, _out);
        }
        else
        {
            Gemm.Compute(Transpose.No, Transpose.Yes, batch, _out, _in, 1f, x, _in, w, _in, 0f, y, _out, context.Threads);
        }

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
        if (IsSmall)
        {
            BackwardSmall(w, dw, db, x, dy, dx, batch);
            return;
        }

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

    private void BackwardSmall(
        ReadOnlySpan<float> w, Span<float> dw, Span<float> db, ReadOnlySpan<float> x, ReadOnlySpan<float> dy,
        Span<float> dx, int batch)
    {
        if (_in >= _out)
        {
            // dW [out, in] = dyᵀ · x, vectorised along in
            SmallGemm.Compute(_out, _in, batch, dy, 1, _out, x, _in, default, dw, _in);
        }
        else
        {
            // dWᵀ [in, out] = xᵀ · dy, vectorised along out, then transposed
            SmallGemm.Compute(_in, _out, batch, x, 1, _in, dy, _out, default, _scratch, _out);
            SmallGemm.TransposeInto(_scratch, _in, _out, dw);
        }

        dy[.._out].CopyTo(db);
        for (var r = 1; r < batch; r++)
        {
            TensorPrimitives.Add(db, dy.Slice(r * _out, _out), db);
        }

        if (!dx.IsEmpty)
        {
            // dx [batch, in] = dy [batch, out] · W [out, in]
            SmallGemm.Compute(batch, _in, _out, dy, _out, 1, w, _in, default, dx, _in);
        }
    }
}
