using Cohort.Engine.Randomness;

namespace Cohort.Engine.Layers;

/// <summary>Per-network state the layers read during a pass: the engine RNG, the live dropout rate, threads.</summary>
internal sealed class PassContext(EngineRandom random, int threads)
{
    public EngineRandom Random { get; } = random;

    public int Threads { get; } = threads;

    public float DropoutRate { get; set; }
}

/// <summary>
/// One layer of a sequential network. A layer owns only its workspaces (sized for the maximum batch); its
/// parameters are slices [WeightOffset, +WeightCount) and [BiasOffset, +BiasCount) of the network's single
/// parameter array, passed in explicitly, and gradients are written (not accumulated) into the same slices of the
/// gradient array. Activations are row-major [batch, per-sample size].
/// </summary>
internal abstract class Layer
{
    protected Layer(int[] inputShape, int[] outputShape)
    {
        InputShape = inputShape;
        OutputShape = outputShape;
        InputSize = Product(inputShape);
        OutputSize = Product(outputShape);
    }

    public int[] InputShape { get; }

    public int[] OutputShape { get; }

    public int InputSize { get; }

    public int OutputSize { get; }

    public virtual int WeightCount => 0;

    public virtual int BiasCount => 0;

    /// <summary>Inputs feeding one output unit (for initialisers).</summary>
    public virtual int FanIn => 0;

    /// <summary>Outputs fed by one input unit (for initialisers).</summary>
    public virtual int FanOut => 0;

    public int WeightOffset { get; set; }

    public int BiasOffset { get; set; }

    /// <summary>y = f(x) for <paramref name="batch"/> samples.</summary>
    public abstract void Forward(
        ReadOnlySpan<float> parameters, ReadOnlySpan<float> x, Span<float> y, int batch, bool training, PassContext context);

    /// <summary>
    /// Given x, y = f(x) and dL/dy, writes dL/dθ into <paramref name="gradients"/> (this layer's slices) and, when
    /// <paramref name="dx"/> is not empty, dL/dx.
    /// </summary>
    public abstract void Backward(
        ReadOnlySpan<float> parameters, Span<float> gradients, ReadOnlySpan<float> x, ReadOnlySpan<float> y,
        ReadOnlySpan<float> dy, Span<float> dx, int batch, PassContext context);

    /// <summary>Forward multiply-add count per sample (for GFLOP/s reporting).</summary>
    public virtual long MultiplyAddsPerSample => 0;

    protected static int Product(int[] shape)
    {
        var p = 1;
        foreach (var d in shape)
        {
            p *= d;
        }

        return p;
    }
}
