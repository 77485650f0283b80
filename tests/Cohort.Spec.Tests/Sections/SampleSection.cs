using Cohort.Core.Scheduling;
using Cohort.Spec.Sections;

namespace Cohort.Spec.Tests.Sections;

/// <summary>The settings of the tests' own method: how many points it draws.</summary>
public sealed record SampleSettings(int Draws) : IMethodSettings;

/// <summary>
/// A tiny search method registered by the tests (one class, one registration line in <see cref="TestCatalog"/>):
/// <c>method: sample</c> with one key, <c>draws</c> (default 3): random search whose population is the number of draws.
/// </summary>
public sealed class SampleSection : MethodSection<SampleSettings>
{
    public override string Name => "sample";

    public override IReadOnlyList<string> Keys { get; } = ["draws"];

    protected override (SampleSettings? Settings, long? Population) ReadSettings(MethodReadContext context)
    {
        context.NoPoints("a sample run draws its points");
        var draws = context.Run.Whole("draws", 3, x => x is >= 1 and <= 100, "an integer in [1, 100]");
        return draws is { } d ? (new SampleSettings((int)d), context.Agree(d, "draws")) : (null, null);
    }

    protected override void Write(SampleSettings settings, SpecWriter writer) => writer.Write("draws", settings.Draws);

    protected override MethodOptions CreateOptions(ExperimentSpec spec, RunSpec run, SampleSettings settings) =>
        new RandomOptions();
}
