using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Cohort.Engine.Kernels;

/// <summary>A binary element-wise operator d = f(x, y) at scalar, Vector256 and Vector512 width.</summary>
public interface IBinaryOperator
{
    /// <summary>Scalar form.</summary>
    float Invoke(float x, float y);

    /// <summary>256-bit form.</summary>
    Vector256<float> Invoke(Vector256<float> x, Vector256<float> y);

    /// <summary>512-bit form.</summary>
    Vector512<float> Invoke(Vector512<float> x, Vector512<float> y);
}

/// <summary>
/// Element-wise kernels TensorPrimitives lacks (activation derivatives, leaky ReLU, dropout masks), as operator
/// structs run by one driver that dispatches Vector512 → Vector256 → scalar tail.
/// </summary>
public static class Elementwise
{
    /// <summary>d[i] = op(x[i], y[i]) for i &lt; d.Length. x and y must be at least as long as d.</summary>
    public static void Binary<TOp>(TOp op, ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> d)
        where TOp : struct, IBinaryOperator
    {
        var n = d.Length;
        if (x.Length < n || y.Length < n)
        {
            throw new ArgumentException("Input spans are shorter than the destination.", nameof(x));
        }

        ref var rx = ref MemoryMarshal.GetReference(x);
        ref var ry = ref MemoryMarshal.GetReference(y);
        ref var rd = ref MemoryMarshal.GetReference(d);
        nuint i = 0;
        var len = (nuint)n;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i + 16 <= len; i += 16)
            {
                op.Invoke(Vector512.LoadUnsafe(ref rx, i), Vector512.LoadUnsafe(ref ry, i)).StoreUnsafe(ref rd, i);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            for (; i + 8 <= len; i += 8)
            {
                op.Invoke(Vector256.LoadUnsafe(ref rx, i), Vector256.LoadUnsafe(ref ry, i)).StoreUnsafe(ref rd, i);
            }
        }

        for (; i < len; i++)
        {
            Unsafe.Add(ref rd, i) = op.Invoke(Unsafe.Add(ref rx, i), Unsafe.Add(ref ry, i));
        }
    }

    /// <summary>ReLU derivative from the output: dx = y &gt; 0 ? dy : 0.</summary>
    public static void ReluBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx) =>
        Binary(default(ReluBackwardOp), y, dy, dx);

    /// <summary>Leaky ReLU: y = x &gt; 0 ? x : slope·x.</summary>
    public static void LeakyRelu(ReadOnlySpan<float> x, float slope, Span<float> y) =>
        Binary(new LeakyReluOp(slope), x, x, y);

    /// <summary>Leaky ReLU derivative from the input: dx = x &gt; 0 ? dy : slope·dy.</summary>
    public static void LeakyReluBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, float slope, Span<float> dx) =>
        Binary(new LeakyReluBackwardOp(slope), x, dy, dx);

    /// <summary>tanh derivative from the output: dx = dy·(1 − y²).</summary>
    public static void TanhBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx) =>
        Binary(default(TanhBackwardOp), y, dy, dx);

    /// <summary>Sigmoid derivative from the output: dx = dy·y·(1 − y).</summary>
    public static void SigmoidBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx) =>
        Binary(default(SigmoidBackwardOp), y, dy, dx);

    private readonly struct ReluBackwardOp : IBinaryOperator
    {
        public float Invoke(float x, float y) => x > 0f ? y : 0f;

        public Vector256<float> Invoke(Vector256<float> x, Vector256<float> y) =>
            Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256<float>.Zero), y, Vector256<float>.Zero);

        public Vector512<float> Invoke(Vector512<float> x, Vector512<float> y) =>
            Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512<float>.Zero), y, Vector512<float>.Zero);
    }

    private readonly struct LeakyReluOp(float slope) : IBinaryOperator
    {
        public float Invoke(float x, float y) => x > 0f ? x : slope * x;

        public Vector256<float> Invoke(Vector256<float> x, Vector256<float> y) =>
            Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256<float>.Zero), x, x * slope);

        public Vector512<float> Invoke(Vector512<float> x, Vector512<float> y) =>
            Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512<float>.Zero), x, x * slope);
    }

    private readonly struct LeakyReluBackwardOp(float slope) : IBinaryOperator
    {
        public float Invoke(float x, float y) => x > 0f ? y : slope * y;

        public Vector256<float> Invoke(Vector256<float> x, Vector256<float> y) =>
            Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256<float>.Zero), y, y * slope);

        public Vector512<float> Invoke(Vector512<float> x, Vector512<float> y) =>
            Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512<float>.Zero), y, y * slope);
    }

    private readonly struct TanhBackwardOp : IBinaryOperator
    {
        public float Invoke(float x, float y) => y * (1f - (x * x));

        public Vector256<float> Invoke(Vector256<float> x, Vector256<float> y) => y * (Vector256<float>.One - (x * x));

        public Vector512<float> Invoke(Vector512<float> x, Vector512<float> y) => y * (Vector512<float>.One - (x * x));
    }

    private readonly struct SigmoidBackwardOp : IBinaryOperator
    {
        public float Invoke(float x, float y) => y * x * (1f - x);

        public Vector256<float> Invoke(Vector256<float> x, Vector256<float> y) => y * x * (Vector256<float>.One - x);

        public Vector512<float> Invoke(Vector512<float> x, Vector512<float> y) => y * x * (Vector512<float>.One - x);
    }
}
