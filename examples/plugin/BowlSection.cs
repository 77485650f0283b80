using System.Globalization;
using Cohort.Core.Trainables;
using Cohort.Examples.Plugin;
using Cohort.Spec;
using Cohort.Spec.Sections;

// Registers the kind `bowl`: a spec that lists this assembly under `plugins:` may write `trainable: {kind: bowl, …}`
// with typed, validated keys instead of the plugin kind's untyped options.
[assembly: SpecSection(typeof(BowlSection))]

namespace Cohort.Examples.Plugin;

/// <summary>The settings of <c>kind: bowl</c>.</summary>
/// <param name="Dimensions">The bowl's dimensions.</param>
/// <param name="Condition">The ratio of the largest to the smallest curvature.</param>
public sealed record BowlSettings(int Dimensions, double Condition) : ITrainableSettings;

/// <summary><c>kind: bowl</c>, a trainable kind contributed by a plugin assembly: its keys, reader, writer, declaration and factory.</summary>
public sealed class BowlSection : TrainableSection<BowlSettings>
{
    /// <inheritdoc/>
    public override string Name => "bowl";

    /// <inheritdoc/>
    public override IReadOnlyList<string> Keys { get; } = ["dimensions", "condition"];

    /// <inheritdoc/>
    protected override BowlSettings? Read(SpecMap map)
    {
        var dimensions = map.Whole("dimensions", 8, x => x is >= 1 and <= 100_000, "an integer in [1, 100000]");
        var condition = map.Number("condition", 100, x => x >= 1, "a number >= 1");
        return dimensions is null || condition is null ? null : new BowlSettings((int)dimensions.Value, condition.Value);
    }

    /// <inheritdoc/>
    protected override void Write(BowlSettings settings, SpecWriter writer)
    {
        writer.Write("dimensions", settings.Dimensions);
        writer.Write("condition", settings.Condition);
    }

    /// <inheritdoc/>
    protected override TrainableDeclaration Declare(BowlSettings settings) => Factory(settings).Declaration;

    /// <inheritdoc/>
    protected override Task<ITrainableFactory> CreateFactoryAsync(BowlSettings settings, TrainableContext context, CancellationToken cancellationToken) =>
        Task.FromResult<ITrainableFactory>(Factory(settings));

    private static BowlFactory Factory(BowlSettings settings) => new(new Dictionary<string, string>
    {
        ["dimensions"] = settings.Dimensions.ToString(CultureInfo.InvariantCulture),
        ["condition"] = settings.Condition.ToString("R", CultureInfo.InvariantCulture),
    });
}
