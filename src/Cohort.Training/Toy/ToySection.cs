using Cohort.Core.Trainables;
using Cohort.Spec;
using Cohort.Spec.Sections;

namespace Cohort.Training.Toy;

/// <summary>The toy takes no settings.</summary>
public sealed record ToySettings : ITrainableSettings;

/// <summary><c>kind: toy</c>: the PBT paper's toy problem (Jaderberg et al. 2017, Figure 2); no other key.</summary>
public sealed class ToySection : TrainableSection<ToySettings>
{
    /// <inheritdoc/>
    public override string Name => "toy";

    /// <inheritdoc/>
    public override IReadOnlyList<string> Keys => [];

    /// <inheritdoc/>
    protected override ToySettings? Read(SpecMap map) => new();

    /// <inheritdoc/>
    protected override void Write(ToySettings settings, SpecWriter writer)
    {
    }

    /// <inheritdoc/>
    protected override TrainableDeclaration Declare(ToySettings settings) => new ToyTrainableFactory().Declaration;

    /// <inheritdoc/>
    protected override Task<ITrainableFactory> CreateFactoryAsync(ToySettings settings, TrainableContext context, CancellationToken cancellationToken) =>
        Task.FromResult<ITrainableFactory>(new ToyTrainableFactory());
}
