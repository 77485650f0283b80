using Cohort.Cli.Spec;
using Cohort.Core.Trainables;
using Cohort.Engine.Data;
using Cohort.Engine.Models;
using Cohort.Engine.Training;
using Cohort.Training.Networks;
using Cohort.Training.NoisyQuadratic;
using Cohort.Training.Synthetic;
using Cohort.Training.Toy;
using EngineActivation = Cohort.Engine.Models.ActivationKind;
using EngineOptimizer = Cohort.Engine.Training.OptimizerKind;
using SpecActivation = Cohort.Cli.Spec.ActivationKind;
using SpecOptimizer = Cohort.Cli.Spec.OptimizerKind;

namespace Cohort.Cli.Experiments;

/// <summary>Builds the trainable factory a spec describes, loading (and if needed downloading) its dataset.</summary>
internal static class TrainableFactories
{
    public static async Task<ITrainableFactory> CreateAsync(ExperimentSpec spec, DataDirectory data, TextWriter log, CancellationToken cancellationToken)
    {
        if (spec.Trainable.Kind == TrainableKind.Toy)
        {
            return new ToyTrainableFactory();
        }

        if (spec.Trainable.Kind == TrainableKind.NoisyQuadratic)
        {
            var q = spec.Trainable.NoisyQuadratic ?? throw new ArgumentException("A noisy_quadratic trainable needs its options.", nameof(spec));
            return new NoisyQuadraticTrainableFactory(q.Dimensions, q.CurvaturePower, q.BatchSize, q.Expected);
        }

        if (spec.Trainable.Kind == TrainableKind.Synthetic)
        {
            var synthetic = spec.Trainable.Synthetic ?? throw new ArgumentException("A synthetic trainable needs its dimensions and noise.", nameof(spec));
            return new SyntheticTrainableFactory(synthetic.Dimensions, synthetic.Noise, spec.Seed);
        }

        var n = spec.Trainable.Network ?? throw new ArgumentException("A network trainable needs its network section.", nameof(spec));
        var options = new SplitOptions
        {
            ValidationFraction = n.ValidationFraction,
            TestFraction = n.TestFraction,
            Seed = spec.Seed,
            StandardizeTargets = n.StandardizeTargets,
            FeatureScaling = n.StandardizeFeatures ? FeatureScaling.Auto : FeatureScaling.None,
        };
        DatasetSplits splits;
        if (n.Split == DataSplitKind.Keras)
        {
            splits = await KerasSplitAsync(n, data, log, cancellationToken).ConfigureAwait(false);
        }
        else if (DatasetCatalog.Requirements(n.Dataset).All(alternatives => alternatives.Any(data.Contains)))
        {
            splits = DatasetCatalog.Load(n.Dataset, data, options);
        }
        else
        {
            log.WriteLine($"Dataset '{n.Dataset}' is not in {data.Root}: downloading it (checksums verified).");
            using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(10) };
            splits = await DatasetCatalog.LoadAsync(n.Dataset, data, new DatasetDownloader(http), options, cancellationToken).ConfigureAwait(false);
        }

        var train = splits.Train;
        var classification = train.Task == TaskKind.Classification;
        var outputs = classification ? train.ClassCount : train.TargetWidth;
        var activation = n.Model.Activation switch
        {
            SpecActivation.Tanh => EngineActivation.Tanh,
            SpecActivation.Sigmoid => EngineActivation.Sigmoid,
            _ => EngineActivation.Relu,
        };
        if (n.Model.Kind == ModelKind.Convnet)
        {
            var convOptimizer = n.Optimizer switch
            {
                SpecOptimizer.Sgd => EngineOptimizer.Sgd,
                SpecOptimizer.AdamW => EngineOptimizer.AdamW,
                _ => EngineOptimizer.Adam,
            };
            return new ConvNetTrainableFactory(
                new ConvNetTrainableOptions(ConvNetShape.Paper004Original, convOptimizer, n.BatchSize, n.EvalSamples, Dropout: n.Model.Dropout),
                splits);
        }

        var model = n.Model.Kind switch
        {
            ModelKind.Lenet5 => ModelSpec.LeNet5(n.Model.Dropout),
            _ => ModelSpec.Mlp(train.SampleSize, n.Model.Hidden.ToArray(), outputs, activation, n.Model.Dropout),
        };
        var optimizer = n.Optimizer switch
        {
            SpecOptimizer.Sgd => EngineOptimizer.Sgd,
            SpecOptimizer.AdamW => EngineOptimizer.AdamW,
            _ => EngineOptimizer.Adam,
        };
        var loss = classification ? LossKind.SoftmaxCrossEntropy : LossKind.MeanSquaredError;
        return new NetworkTrainableFactory(
            new NetworkTrainableOptions(model, optimizer, loss, n.BatchSize, n.EvalSamples)
            {
                BatchOrder = n.BatchOrder == BatchOrderKind.Sequential ? BatchOrder.Sequential : BatchOrder.Shuffled,
                LossIncludesPenalty = n.LossIncludesPenalty,
            },
            splits);
    }

    /// <summary>The <c>split: keras</c> protocol (paper 000's code): see <see cref="KerasSplitter"/>.</summary>
    private static async Task<DatasetSplits> KerasSplitAsync(NetworkSpec n, DataDirectory data, TextWriter log, CancellationToken cancellationToken)
    {
        if (n.StandardizeTargets)
        {
            throw new ArgumentException("split: keras keeps targets raw; standardize_targets must be false with it.", nameof(n));
        }

        if (!DatasetCatalog.Requirements(n.Dataset).All(alternatives => alternatives.Any(data.Contains)))
        {
            log.WriteLine($"Dataset '{n.Dataset}' is not in {data.Root}: downloading it (checksums verified).");
            using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(10) };
            await DatasetCatalog.EnsureFilesAsync(n.Dataset, data, new DatasetDownloader(http), cancellationToken).ConfigureAwait(false);
        }

        var raw = DatasetCatalog.LoadRaw(n.Dataset, data);
        return KerasSplitter.Split(raw, new KerasSplitOptions(n.TestFraction, n.ValidationFraction, n.SplitSeed, n.StandardizeFeatures));
    }
}
