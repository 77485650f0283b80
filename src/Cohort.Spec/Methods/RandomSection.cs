using Cohort.Core.Scheduling;
using Cohort.Spec.Sections;

namespace Cohort.Spec.Methods;

/// <summary>Random search has no settings of its own.</summary>
public sealed record RandomSettings : IMethodSettings;

/// <summary><c>method: random</c>: <c>population</c> (required) points drawn from the priors, each trained for the full budget.</summary>
public sealed class RandomSection : MethodSection<RandomSettings>
{
    /// <inheritdoc/>
    public override string Name => "random";

    /// <inheritdoc/>
    public override IReadOnlyList<string> Keys => [];

    /// <inheritdoc/>
    protected override (RandomSettings? Settings, long? Population) ReadSettings(MethodReadContext context)
    {
        if (context.Points.Count > 0)
        {
            context.NoPoints("points are for grid and pbt runs; a random run samples from the priors");
            return (null, null);
        }

        return (new RandomSettings(), context.RequirePopulation("a random run needs a population"));
    }

    /// <inheritdoc/>
    protected override void Write(RandomSettings settings, SpecWriter writer)
    {
    }

    /// <inheritdoc/>
    protected override MethodOptions CreateOptions(ExperimentSpec spec, RunSpec run, RandomSettings settings) =>
        new RandomOptions();
}
