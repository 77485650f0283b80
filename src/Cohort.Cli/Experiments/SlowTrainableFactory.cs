using Cohort.Core.Hyperparameters;
using Cohort.Core.Trainables;

namespace Cohort.Cli.Experiments;

/// <summary>
/// Fault injection for crash tests (hidden option <c>--fault-train-delay-ms</c>): every <see cref="ITrainable.Train"/>
/// call sleeps first (cancellably), so that a test can kill a worker mid-step even with the instant toy trainable.
/// The state and results are those of the wrapped trainable.
/// </summary>
internal sealed class SlowTrainableFactory(ITrainableFactory inner, TimeSpan delay) : ITrainableFactory
{
    public IReadOnlyList<string> Metrics => inner.Metrics;

    public TrainableDeclaration Declaration => inner.Declaration;

    public bool HasTestSet => inner.HasTestSet;

    public int ThreadsPerTrainable => inner.ThreadsPerTrainable;

    public ITrainable Create(ulong seed) => new Slow(inner.Create(seed), delay);

    private sealed class Slow(ITrainable inner, TimeSpan delay) : ITrainable
    {
        public long Step => inner.Step;

        public void Apply(HyperparameterSet hyperparameters) => inner.Apply(hyperparameters);

        public void Train(int steps, ulong seed, CancellationToken cancellationToken)
        {
            cancellationToken.WaitHandle.WaitOne(delay);
            cancellationToken.ThrowIfCancellationRequested();
            inner.Train(steps, seed, cancellationToken);
        }

        public IReadOnlyDictionary<string, double> Evaluate(DataSplit split) => inner.Evaluate(split);

        public void Save(Stream destination) => inner.Save(destination);

        public void Load(Stream source) => inner.Load(source);

        public void CopyFrom(ITrainable other) => inner.CopyFrom(other is Slow s ? s.Inner : other);

        public void Dispose() => inner.Dispose();

        private ITrainable Inner => inner;
    }
}
