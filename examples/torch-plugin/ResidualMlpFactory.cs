using System.Globalization;
using Cohort.Core.Trainables;
using Cohort.Engine.Data;
using Cohort.Spec.Sections;
using Cohort.TorchSharp;
using TorchSharp;

[assembly: SpecSection(typeof(TorchSection))]

namespace Cohort.Examples.TorchPlugin;

/// <summary>
/// The plugin's trainable: <see cref="ResidualMlp"/> on one of Cohort's datasets, trained by
/// <see cref="TorchTrainableFactory"/> (checkpoints, exploits, determinism and threads come from it). Options:
/// <c>dataset</c> (default boston), <c>width</c> (64), <c>blocks</c> (2), <c>batch_size</c> (32), <c>data</c> (the data
/// directory; default <c>COHORT_DATA</c> or Cohort's default). Hyperparameters: the optimizer's and the penalties (see
/// <see cref="TorchTrainableFactory"/>), <c>dropout</c>, and <c>residual_scale</c>.
/// </summary>
public sealed class ResidualMlpFactory : ITrainableFactory
{
    /// <summary>The module setting this model adds to TorchSharp's hyperparameters.</summary>
    public const string ResidualScale = "residual_scale";

    private readonly TorchTrainableFactory _inner;

    /// <summary>Builds the factory from the spec's <c>options</c>; throws <see cref="ArgumentException"/> naming a bad one.</summary>
    public ResidualMlpFactory(IReadOnlyDictionary<string, string> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var unknown = options.Keys.Except(["dataset", "width", "blocks", "batch_size", "data"], StringComparer.Ordinal).ToArray();
        if (unknown.Length > 0)
        {
            throw new ArgumentException($"unknown option(s) {string.Join(", ", unknown)}; expected dataset, width, blocks, batch_size, data", nameof(options));
        }

        var dataset = options.GetValueOrDefault("dataset", "boston");
        var width = Whole(options, "width", 64);
        var blocks = Whole(options, "blocks", 2);
        var batch = Whole(options, "batch_size", 32);
        var splits = DatasetCatalog.Load(dataset, DataDirectory.Resolve(options.GetValueOrDefault("data")), new SplitOptions { Seed = 1, StandardizeTargets = true });
        var inputs = splits.Train.SampleSize;
        var outputs = splits.Train.Task == TaskKind.Classification ? splits.Train.ClassCount : 1;
        _inner = new TorchTrainableFactory(
            new TorchTrainableOptions($"residual-mlp-{inputs}-{width}x{blocks}-{outputs}", g => new ResidualMlp(inputs, width, blocks, outputs, g), BatchSize: batch)
            {
                ModuleSettings = new Dictionary<string, Action<torch.nn.Module, double>>(StringComparer.Ordinal)
                {
                    [ResidualScale] = (module, value) => ((ResidualMlp)module).ResidualScale = value,
                },
            },
            splits);
    }

    /// <inheritdoc/>
    public IReadOnlyList<string> Metrics => _inner.Metrics;

    /// <inheritdoc/>
    public TrainableDeclaration Declaration => _inner.Declaration;

    /// <inheritdoc/>
    public bool HasTestSet => _inner.HasTestSet;

    /// <inheritdoc/>
    public int ThreadsPerTrainable => _inner.ThreadsPerTrainable;

    /// <inheritdoc/>
    public ITrainable Create(ulong seed) => _inner.Create(seed);

    private static int Whole(IReadOnlyDictionary<string, string> options, string key, int fallback)
    {
        if (!options.TryGetValue(key, out var text))
        {
            return fallback;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= 1
            ? value
            : throw new ArgumentException($"option {key}: expected a whole number ≥ 1, got '{text}'", nameof(options));
    }
}
