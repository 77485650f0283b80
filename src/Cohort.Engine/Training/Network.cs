using Cohort.Engine.Layers;
using Cohort.Engine.Models;
using Cohort.Engine.Randomness;

namespace Cohort.Engine.Training;

/// <summary>
/// A sequential network built from a <see cref="ModelSpec"/>: layers, one parameter array laid out as
/// [all weights in layer order | all biases in layer order] (so weight penalties run over one prefix), one gradient
/// array of the same layout, and per-layer output and output-gradient buffers sized for the maximum batch.
/// </summary>
internal sealed class Network
{
    private readonly Layer[] _layers;
    private readonly float[][] _outputs;
    private readonly float[][] _outputGradients;

    public Network(ModelSpec spec, int maxBatch, int threads)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatch, 1);
        if (spec.InputShape.Count == 0 || spec.InputShape.Any(d => d < 1))
        {
            throw new ArgumentException(
                $"Input shape [{string.Join(',', spec.InputShape)}] must have positive dimensions.", nameof(spec));
        }

        if (spec.Layers.Count == 0)
        {
            throw new ArgumentException("A model needs at least one layer.", nameof(spec));
        }

        MaxBatch = maxBatch;
        var shape = spec.InputShape.ToArray();
        InputSize = shape.Aggregate(1, (a, b) => a * b);
        _layers = new Layer[spec.Layers.Count];
        for (var i = 0; i < _layers.Length; i++)
        {
            _layers[i] = LayerFactory.Create(spec.Layers[i], shape, maxBatch, threads, i);
            shape = _layers[i].OutputShape;
        }

        OutputSize = _layers[^1].OutputSize;
        var offset = 0;
        foreach (var layer in _layers)
        {
            layer.WeightOffset = offset;
            offset += layer.WeightCount;
        }

        WeightCount = offset;
        foreach (var layer in _layers)
        {
            layer.BiasOffset = offset;
            offset += layer.BiasCount;
        }

        ParameterCount = offset;
        Parameters = new float[ParameterCount];
        Gradients = new float[ParameterCount];
        _outputs = new float[_layers.Length][];
        _outputGradients = new float[_layers.Length][];
        for (var i = 0; i < _layers.Length; i++)
        {
            _outputs[i] = new float[maxBatch * _layers[i].OutputSize];
            _outputGradients[i] = new float[maxBatch * _layers[i].OutputSize];
        }

        MultiplyAddsPerSample = _layers.Sum(l => l.MultiplyAddsPerSample);
    }

    public int MaxBatch { get; }

    public int InputSize { get; }

    public int OutputSize { get; }

    public int ParameterCount { get; }

    /// <summary>Weights occupy [0, WeightCount) of <see cref="Parameters"/>; biases follow.</summary>
    public int WeightCount { get; }

    public float[] Parameters { get; }

    public float[] Gradients { get; }

    public long MultiplyAddsPerSample { get; }

    internal IReadOnlyList<Layer> Layers => _layers;

    /// <summary>Output of the last forward pass, [batch, OutputSize].</summary>
    public Span<float> Output(int batch) => _outputs[^1].AsSpan(0, batch * OutputSize);

    /// <summary>Where the loss writes dL/d(output) before <see cref="Backward"/>.</summary>
    public Span<float> OutputGradient(int batch) => _outputGradients[^1].AsSpan(0, batch * OutputSize);

    public void Initialize(ModelSpec spec, EngineRandom random)
    {
        Array.Clear(Parameters);
        for (var i = 0; i < _layers.Length; i++)
        {
            var layer = _layers[i];
            if (layer.WeightCount == 0)
            {
                continue;
            }

            var kind = spec.Initializer;
            if (kind == InitializerKind.Auto)
            {
                var next = i + 1 < _layers.Length ? _layers[i + 1] as ActivationLayer : null;
                kind = next is { Kind: ActivationKind.Relu or ActivationKind.LeakyRelu }
                    ? InitializerKind.He
                    : InitializerKind.Glorot;
            }

            var w = Parameters.AsSpan(layer.WeightOffset, layer.WeightCount);
            if (kind == InitializerKind.He)
            {
                var std = Math.Sqrt(2.0 / layer.FanIn);
                for (var j = 0; j < w.Length; j++)
                {
                    w[j] = (float)(random.NextGaussian() * std);
                }
            }
            else
            {
                var limit = Math.Sqrt(6.0 / (layer.FanIn + layer.FanOut));
                for (var j = 0; j < w.Length; j++)
                {
                    w[j] = (float)(((2.0 * random.NextDouble()) - 1.0) * limit);
                }
            }
        }
    }

    public void Forward(ReadOnlySpan<float> input, int batch, bool training, PassContext context)
    {
        ReadOnlySpan<float> parameters = Parameters;
        ReadOnlySpan<float> x = input[..(batch * InputSize)];
        for (var i = 0; i < _layers.Length; i++)
        {
            var y = _outputs[i].AsSpan(0, batch * _layers[i].OutputSize);
            _layers[i].Forward(parameters, x, y, batch, training, context);
            x = y;
        }
    }

    /// <summary>Back-propagates <see cref="OutputGradient"/> through every layer, filling <see cref="Gradients"/>.</summary>
    public void Backward(ReadOnlySpan<float> input, int batch, PassContext context)
    {
        ReadOnlySpan<float> parameters = Parameters;
        Span<float> gradients = Gradients;
        for (var i = _layers.Length - 1; i >= 0; i--)
        {
            var layer = _layers[i];
            ReadOnlySpan<float> x = i == 0 ? input[..(batch * InputSize)] : _outputs[i - 1].AsSpan(0, batch * layer.InputSize);
            var y = _outputs[i].AsSpan(0, batch * layer.OutputSize);
            var dy = _outputGradients[i].AsSpan(0, batch * layer.OutputSize);
            var dx = i == 0 ? Span<float>.Empty : _outputGradients[i - 1].AsSpan(0, batch * layer.InputSize);
            layer.Backward(parameters, gradients, x, y, dy, dx, batch, context);
        }
    }
}
