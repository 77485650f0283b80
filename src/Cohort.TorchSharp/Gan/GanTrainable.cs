using Cohort.Core.Hyperparameters;
using Cohort.Core.Trainables;
using Cohort.Engine.Data;
using Cohort.Engine.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Cohort.TorchSharp.Gan;

/// <summary>
/// A DCGAN as a PBT member (paper 002 sec. 4.2). Each step trains the discriminator on a batch of real images (scaled
/// to [−1, 1]) and as many generated ones, then the generator against the updated discriminator (the non-saturating
/// loss of Goodfellow et al. 2014: G maximises log D(G(z))). Noise and the batch order come from the task seed
/// (<see cref="torch.Generator"/> and Cohort's <see cref="MiniBatchSampler"/>), so a task is pure.
/// <para>
/// <see cref="Evaluate"/> does not change the state: it generates from fixed noise (one stream per split) with both
/// networks in evaluation mode (batch norm uses its running statistics) and scores the images with the
/// <see cref="MnistClassifier"/> (<see cref="InceptionScore"/>). <see cref="WriteSampleGrid"/> renders the same kind of
/// images as a PNG for reports.
/// </para>
/// </summary>
public sealed class GanTrainable : ITrainable, IWeightTransfer
{
    private const ulong GeneratorPurpose = 0x47414EUL; // "GAN"
    private const int LossBatch = 256;
    private const int GenerationChunk = 250;

    private readonly GanTrainableFactory _factory;
    private readonly torch.Generator _generator;
    private readonly Dcgan _gan;
    private readonly LiveOptimizer _g;
    private readonly LiveOptimizer _d;
    private readonly TorchMember _member;
    private readonly MiniBatchSampler _sampler;
    private readonly float[] _inputs;
    private readonly float[] _labels;
    private readonly Tensor _realBatch;
    private readonly Tensor _ones;
    private readonly Tensor _zeros;
    private Trainer? _classifier;

    internal GanTrainable(GanTrainableFactory factory, ulong seed)
    {
        _factory = factory;
        var o = factory.Options;
        _generator = new torch.Generator(seed);
        _gan = new Dcgan(o.Shape, _generator);
        _gan.train();
        _g = new LiveOptimizer("generator", optim.Adam(_gan.Generator.parameters(), 2e-4, 0.5), "_g");
        _d = new LiveOptimizer("discriminator", optim.Adam(_gan.Discriminator.parameters(), 2e-4, 0.5), "_d");
        _member = new TorchMember(
            new TorchState(o.Shape.Describe(), _gan, [(_g.Name, _g.Optimizer), (_d.Name, _d.Optimizer)]),
            _g.Names.Concat(_d.Names));
        var train = factory.Splits.Train;
        _sampler = new MiniBatchSampler(train, o.BatchSize, seed, dropLast: true);
        _inputs = new float[o.BatchSize * train.SampleSize];
        _labels = new float[o.BatchSize];
        _realBatch = zeros([o.BatchSize, o.Shape.Channels, o.Shape.Size, o.Shape.Size]);
        _ones = ones([o.BatchSize, 1]);
        _zeros = zeros([o.BatchSize, 1]);
    }

    /// <summary>Both networks (the checkpoint's module).</summary>
    public Dcgan Model => _gan;

    /// <summary>The generator's optimizer (hyperparameters with suffix <c>_g</c>).</summary>
    public OptimizerHelper GeneratorOptimizer => _g.Optimizer;

    /// <summary>The discriminator's optimizer (hyperparameters with suffix <c>_d</c>).</summary>
    public OptimizerHelper DiscriminatorOptimizer => _d.Optimizer;

    /// <inheritdoc />
    public long Step => _member.Step;

    /// <inheritdoc />
    public void Apply(HyperparameterSet hyperparameters)
    {
        _member.CheckNames(hyperparameters);
        _g.Apply(hyperparameters);
        _d.Apply(hyperparameters);
    }

    /// <inheritdoc />
    public void Train(int steps, ulong seed, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(steps);
        TorchThreads.Use(_factory.Options.Threads);
        _sampler.Restore(new SamplerState(seed, 0, 0));
        _generator.manual_seed(unchecked((long)(seed ^ GeneratorPurpose)));
        _gan.train();
        var shape = _factory.Options.Shape;
        for (var i = 0; i < steps; i++)
        {
            if ((i & 3) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            _sampler.NextBatch(_inputs, _labels);
            using (var accessor = _realBatch.data<float>())
            {
                accessor.CopyFrom(_inputs);
            }

            using var scope = NewDisposeScope();
            var real = _realBatch.mul(2).sub_(1);
            var z = randn([_factory.Options.BatchSize, shape.Latent, 1, 1], generator: _generator);
            var fake = _gan.Generator.call(z);

            var dLoss = nn.functional.binary_cross_entropy_with_logits(_gan.Discriminator.call(real), _ones)
                .add(nn.functional.binary_cross_entropy_with_logits(_gan.Discriminator.call(fake.detach()), _zeros));
            _d.Optimizer.zero_grad();
            dLoss.backward();
            _d.Optimizer.step();

            var gLoss = nn.functional.binary_cross_entropy_with_logits(_gan.Discriminator.call(fake), _ones);
            _g.Optimizer.zero_grad();
            gLoss.backward();
            _g.Optimizer.step();
            _member.Step++;
        }
    }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, double> Evaluate(DataSplit split)
    {
        var data = _factory.Splits.Of(split);
        TorchThreads.Use(_factory.Options.Threads);
        var count = _factory.Options.ScoreSamples;
        var images = Generate(count, 1 + (ulong)split);
        _classifier ??= _factory.Classifier.CreateTrainer(GenerationChunk);
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            [GanTrainableFactory.ScoreMetric] = InceptionScore.Compute(_classifier, images, count),
        };

        var n = Math.Min(LossBatch, Math.Min(count, data.Count));
        if (n > 0)
        {
            _gan.eval();
            try
            {
                using var _ = no_grad();
                using var scope = NewDisposeScope();
                long[] shape = [n, .. data.Shape.ToArray().Select(d => (long)d)];
                var real = tensor(data.Features.AsSpan(0, n * data.SampleSize).ToArray(), shape).mul_(2).sub_(1);
                var fake = tensor(images.AsSpan(0, n * data.SampleSize).ToArray(), shape).mul_(2).sub_(1);
                var dReal = _gan.Discriminator.call(real);
                var dFake = _gan.Discriminator.call(fake);
                metrics["d_loss"] = nn.functional.binary_cross_entropy_with_logits(dReal, ones_like(dReal)).item<float>()
                    + nn.functional.binary_cross_entropy_with_logits(dFake, zeros_like(dFake)).item<float>();
                metrics["g_loss"] = nn.functional.binary_cross_entropy_with_logits(dFake, ones_like(dFake)).item<float>();
            }
            finally
            {
                _gan.train();
            }
        }

        return metrics;
    }

    /// <summary>
    /// Writes a <paramref name="rows"/> × <paramref name="columns"/> grid of generated images as an 8-bit grayscale
    /// PNG (2-pixel black gaps), from noise seeded by <paramref name="seed"/>; the same seed shows the same noise for
    /// every member and step. Does not change the state. Single-channel (MNIST) images only.
    /// </summary>
    public void WriteSampleGrid(Stream png, int rows = 8, int columns = 8, ulong seed = 0)
    {
        ArgumentNullException.ThrowIfNull(png);
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        var shape = _factory.Options.Shape;
        if (shape.Channels != 1)
        {
            throw new InvalidOperationException("Sample grids are drawn for single-channel images.");
        }

        const int gap = 2;
        var side = shape.Size;
        var images = Generate(rows * columns, 0x47524944UL ^ seed); // "GRID"
        var width = (columns * (side + gap)) + gap;
        var height = (rows * (side + gap)) + gap;
        var pixels = new byte[width * height];
        for (var k = 0; k < rows * columns; k++)
        {
            var top = gap + ((k / columns) * (side + gap));
            var left = gap + ((k % columns) * (side + gap));
            for (var y = 0; y < side; y++)
            {
                for (var x = 0; x < side; x++)
                {
                    var v = images[(k * side * side) + (y * side) + x];
                    pixels[((top + y) * width) + left + x] = (byte)Math.Clamp(MathF.Round(v * 255f), 0f, 255f);
                }
            }
        }

        GrayscalePng.Write(png, pixels, width, height);
    }

    /// <inheritdoc />
    public void Save(Stream destination) => _member.Save(destination);

    /// <inheritdoc />
    public void Load(Stream source) => _member.Load(source);

    /// <inheritdoc />
    public void CopyFrom(ITrainable other) => _member.CopyFrom(Same(other)._member, weightsOnly: false);

    /// <inheritdoc />
    public void CopyWeightsFrom(ITrainable other) => _member.CopyFrom(Same(other)._member, weightsOnly: true);

    /// <inheritdoc />
    public void LoadWeights(Stream source) => _member.LoadWeights(source);

    /// <inheritdoc />
    public void Dispose()
    {
        _g.Optimizer.Dispose();
        _d.Optimizer.Dispose();
        _gan.Dispose();
        _realBatch.Dispose();
        _ones.Dispose();
        _zeros.Dispose();
        _generator.Dispose();
    }

    /// <summary><paramref name="count"/> images from the generator in evaluation mode, in [0, 1], from noise seeded by <paramref name="seed"/>.</summary>
    private float[] Generate(int count, ulong seed)
    {
        var shape = _factory.Options.Shape;
        var size = shape.Channels * shape.Size * shape.Size;
        var images = new float[count * size];
        _gan.eval();
        try
        {
            using var _ = no_grad();
            using var noise = new torch.Generator(seed);
            for (var start = 0; start < count; start += GenerationChunk)
            {
                using var scope = NewDisposeScope();
                var n = Math.Min(GenerationChunk, count - start);
                var z = randn([n, shape.Latent, 1, 1], generator: noise);
                var output = _gan.Generator.call(z).add(1).div_(2).contiguous();
                using var accessor = output.data<float>();
                accessor.CopyTo(images.AsSpan(start * size, n * size));
            }
        }
        finally
        {
            _gan.train();
        }

        return images;
    }

    private GanTrainable Same(ITrainable other) =>
        other is GanTrainable g && g._factory.Options.Shape == _factory.Options.Shape
            ? g
            : throw new ArgumentException($"Cannot copy a {other?.GetType().Name ?? "null"} into a {_factory.Options.Shape.Describe()}.", nameof(other));
}
