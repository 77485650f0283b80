using Cohort.Core.Hyperparameters;
using Cohort.Core.Trainables;
using Cohort.Spec.Sections;

namespace Cohort.Spec.Tests.Sections;

/// <summary>The settings of the tests' own trainable kind.</summary>
/// <param name="Target">Where the loss is smallest.</param>
public sealed record LabSettings(double Target) : ITrainableSettings;

/// <summary>
/// A tiny trainable kind registered by the tests (one class, one registration line in <see cref="TestCatalog"/>):
/// <c>kind: lab</c> with one key, <c>target</c>. Its trainable moves x towards <c>target</c> at rate
/// <c>learning_rate</c>; it also declares an int (<c>units</c>) and categoricals (<c>act</c>, <c>init</c>) so that
/// the spec grammar of every type can be tested against a declaration.
/// </summary>
public sealed class LabSection : TrainableSection<LabSettings>
{
    public override string Name => "lab";

    public override IReadOnlyList<string> Keys { get; } = ["target"];

    public static TrainableDeclaration Declaration { get; } = new(
        "lab",
        [
            HyperparameterDeclaration.Real("learning_rate", ValueRange.Closed(0, 1)),
            HyperparameterDeclaration.Real("l1", ValueRange.AtLeast(0)),
            HyperparameterDeclaration.Real("l2", ValueRange.AtLeast(0)),
            HyperparameterDeclaration.Whole("units", ValueRange.Closed(1, 4096)),
            HyperparameterDeclaration.Categorical("act", ["relu", "tanh", "sigmoid", "gelu"]),
            HyperparameterDeclaration.Categorical("init", ["he", "glorot"]),
        ],
        ["loss"]);

    protected override LabSettings? Read(SpecMap map) =>
        map.Number("target", 1.0, double.IsFinite, "a finite number") is { } target ? new LabSettings(target) : null;

    protected override void Write(LabSettings settings, SpecWriter writer) => writer.Write("target", settings.Target);

    protected override TrainableDeclaration Declare(LabSettings settings) => Declaration;

    protected override Task<ITrainableFactory> CreateFactoryAsync(LabSettings settings, TrainableContext context, CancellationToken cancellationToken) =>
        Task.FromResult<ITrainableFactory>(new LabFactory(settings.Target));

    private sealed class LabFactory(double target) : ITrainableFactory
    {
        public IReadOnlyList<string> Metrics => Declaration.Metrics;

        public TrainableDeclaration Declaration => LabSection.Declaration;

        public bool HasTestSet => false;

        public ITrainable Create(ulong seed) => new Lab(target);
    }

    private sealed class Lab(double target) : ITrainable
    {
        private double _x;
        private double _rate;

        public long Step { get; private set; }

        public void Apply(HyperparameterSet hyperparameters) => _rate = hyperparameters.GetNumber("learning_rate", 0.1);

        public void Train(int steps, ulong seed, CancellationToken cancellationToken)
        {
            for (var i = 0; i < steps; i++)
            {
                _x += _rate * (target - _x);
            }

            Step += steps;
        }

        public IReadOnlyDictionary<string, double> Evaluate(DataSplit split) => new Dictionary<string, double> { ["loss"] = (target - _x) * (target - _x) };

        public void Save(Stream destination)
        {
            using var writer = new BinaryWriter(destination, System.Text.Encoding.UTF8, leaveOpen: true);
            writer.Write(_x);
            writer.Write(Step);
        }

        public void Load(Stream source)
        {
            using var reader = new BinaryReader(source, System.Text.Encoding.UTF8, leaveOpen: true);
            _x = reader.ReadDouble();
            Step = reader.ReadInt64();
        }

        public void CopyFrom(ITrainable other)
        {
            var lab = (Lab)other;
            (_x, Step) = (lab._x, lab.Step);
        }

        public void Dispose()
        {
        }
    }
}
