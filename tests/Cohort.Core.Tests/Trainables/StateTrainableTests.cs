using Cohort.Core.Hyperparameters;
using Cohort.Core.Randomness;
using Cohort.Core.Trainables;

namespace Cohort.Core.Tests.Trainables;

public sealed class StateTrainableTests
{
    /// <summary>SGD with momentum on a noisy bowl: weights x, state v (the velocity), a float buffer and a counter.</summary>
    private sealed class Bowl : StateTrainable
    {
        private readonly double[] _x;
        private readonly double[] _velocity;
        private readonly float[] _recent;
        private readonly StateValue _noisySteps;
        private double _lr;

        public Bowl(ulong seed)
        {
            var rng = new Rng(seed);
            _x = Weights("x", Enumerable.Range(0, 3).Select(_ => rng.NextGaussian()).ToArray());
            _velocity = State("velocity", new double[3]);
            _recent = State("recent", new float[2]);
            _noisySteps = Value("noisy_steps");
        }

        public override void Apply(HyperparameterSet hyperparameters) => _lr = hyperparameters.GetNumber("lr");

        public override IReadOnlyDictionary<string, double> Evaluate(DataSplit split) =>
            new Dictionary<string, double> { ["loss"] = _x.Sum(x => x * x) };

        protected override void TrainSteps(int steps, Rng random, CancellationToken cancellationToken)
        {
            for (var s = 0; s < steps; s++)
            {
                for (var i = 0; i < _x.Length; i++)
                {
                    _velocity[i] = (0.9 * _velocity[i]) + (2 * _x[i]) + (0.1 * random.NextGaussian());
                    _x[i] -= _lr * _velocity[i];
                }

                _recent[s % 2] = (float)_x[0];
                _noisySteps.Value++;
            }
        }
    }

    private sealed class Other : StateTrainable
    {
        public Other() => _ = Weights("y", new double[3]);

        public override void Apply(HyperparameterSet hyperparameters)
        {
        }

        public override IReadOnlyDictionary<string, double> Evaluate(DataSplit split) => new Dictionary<string, double>();

        protected override void TrainSteps(int steps, Rng random, CancellationToken cancellationToken)
        {
        }
    }

    private static readonly HyperparameterSet Lr = HyperparameterSet.From([new("lr", 0.05)]);

    private static byte[] Bytes(ITrainable t)
    {
        using var stream = new MemoryStream();
        t.Save(stream);
        return stream.ToArray();
    }

    private static Bowl Trained(ulong seed, int steps, ulong taskSeed = 11)
    {
        var bowl = new Bowl(seed);
        bowl.Apply(Lr);
        bowl.Train(steps, taskSeed, CancellationToken.None);
        return bowl;
    }

    [Fact]
    public void Save_Should_GiveTheSameBytes_When_AStateIsCopiedOrLoaded()
    {
        // Given a trained state
        using var source = Trained(1, 7);
        var saved = Bytes(source);

        // When another trainable copies it, and a third loads it
        using var copy = new Bowl(2);
        copy.CopyFrom(source);
        using var loaded = new Bowl(3);
        loaded.Load(new MemoryStream(saved));

        // Then both save to the same bytes (the same checkpoint hash) and go on identically
        Assert.Equal(saved, Bytes(copy));
        Assert.Equal(saved, Bytes(loaded));
        Assert.Equal(7, loaded.Step);
        foreach (var t in new ITrainable[] { source, copy, loaded })
        {
            t.Apply(Lr);
            t.Train(5, 99, CancellationToken.None);
        }

        Assert.Equal(Bytes(source), Bytes(copy));
        Assert.Equal(Bytes(source), Bytes(loaded));
        Assert.Equal(source.Evaluate(DataSplit.Validation)["loss"], loaded.Evaluate(DataSplit.Validation)["loss"]);
    }

    [Fact]
    public void Train_Should_DependOnTheTaskSeedOnly_When_StatesAreEqual()
    {
        using var a = Trained(1, 4, taskSeed: 5);
        using var b = Trained(1, 4, taskSeed: 5);
        using var c = Trained(1, 4, taskSeed: 6);
        Assert.Equal(Bytes(a), Bytes(b));
        Assert.NotEqual(Bytes(a), Bytes(c));
    }

    [Fact]
    public void WeightTransfer_Should_TakeTheWeightsAndKeepTheRest()
    {
        using var donor = Trained(1, 9);
        using var receiver = Trained(2, 3);
        using var loader = Trained(2, 3);
        var before = Bytes(receiver);

        receiver.CopyWeightsFrom(donor);
        loader.LoadWeights(new MemoryStream(Bytes(donor)));

        Assert.Equal(3, receiver.Step);
        Assert.Equal(Bytes(receiver), Bytes(loader));
        Assert.Equal(donor.Evaluate(DataSplit.Validation)["loss"], receiver.Evaluate(DataSplit.Validation)["loss"]);
        Assert.NotEqual(before, Bytes(receiver));
        Assert.Equal(before.Length, Bytes(receiver).Length);
    }

    [Fact]
    public void Load_Should_FailLoudlyAndChangeNothing_When_TheCheckpointIsAnotherTrainables()
    {
        using var bowl = Trained(1, 2);
        var before = Bytes(bowl);
        using var other = new Other();

        var ex = Assert.Throws<InvalidDataException>(() => bowl.Load(new MemoryStream(Bytes(other))));
        Assert.Contains("registers 4", ex.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidDataException>(() => bowl.Load(new MemoryStream([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20])));
        Assert.Throws<ArgumentException>(() => bowl.CopyFrom(other));
        Assert.Equal(before, Bytes(bowl));
    }
}
