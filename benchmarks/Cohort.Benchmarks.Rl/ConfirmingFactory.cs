using System.Collections.Concurrent;
using Cohort.Core.Hyperparameters;
using Cohort.Core.Trainables;
using Cohort.Training.Reinforcement;

namespace Cohort.Benchmarks.Rl;

/// <summary>
/// Wraps a Deep Double Sarsa factory: whenever a validation evaluation (10 greedy episodes) reaches the threshold, the
/// member is also evaluated on the test split (100 greedy episodes, Gymnasium's "solved" criterion) and the pair is
/// recorded. Evaluation changes no state, so the run is the same as without the wrapper.
/// </summary>
internal sealed class ConfirmingFactory(DeepDoubleSarsaTrainableFactory inner, double threshold) : ITrainableFactory
{
    private readonly double _threshold = threshold;

    /// <summary>(step, validation return, test return) of every evaluation that reached the threshold.</summary>
    public ConcurrentBag<(long Step, double Validation, double Test)> Reached { get; } = [];

    public IReadOnlyList<string> Metrics => inner.Metrics;

    public bool HasTestSet => inner.HasTestSet;

    public ITrainable Create(ulong seed) => new Confirming(this, inner.Create(seed));

    private sealed class Confirming(ConfirmingFactory owner, ITrainable inner) : ITrainable
    {
        public long Step => inner.Step;

        public void Apply(HyperparameterSet hyperparameters) => inner.Apply(hyperparameters);

        public void Train(int steps, ulong seed, CancellationToken cancellationToken) => inner.Train(steps, seed, cancellationToken);

        public IReadOnlyDictionary<string, double> Evaluate(DataSplit split)
        {
            var metrics = inner.Evaluate(split);
            var value = metrics[DeepDoubleSarsaTrainable.MetricReturn];
            if (split == DataSplit.Validation && value >= owner._threshold)
            {
                owner.Reached.Add((inner.Step, value, inner.Evaluate(DataSplit.Test)[DeepDoubleSarsaTrainable.MetricReturn]));
            }

            return metrics;
        }

        public void Save(Stream destination) => inner.Save(destination);

        public void Load(Stream source) => inner.Load(source);

        public void CopyFrom(ITrainable other) => inner.CopyFrom(((Confirming)other).Inner);

        public void Dispose() => inner.Dispose();

        private ITrainable Inner => inner;
    }
}
