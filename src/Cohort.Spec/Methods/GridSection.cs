using Cohort.Core.Scheduling;
using Cohort.Spec.Sections;

namespace Cohort.Spec.Methods;

/// <summary>Grid search has no settings of its own.</summary>
public sealed record GridSettings : IMethodSettings;

/// <summary>
/// <c>method: grid</c>: every point of the grid (the Cartesian product of the searched hyperparameters' grids) or every
/// given point, each trained for the full budget. No keys of its own.
/// </summary>
public sealed class GridSection : MethodSection<GridSettings>
{
    /// <inheritdoc/>
    public override string Name => "grid";

    /// <inheritdoc/>
    public override IReadOnlyList<string> Keys => [];

    /// <inheritdoc/>
    protected override (GridSettings? Settings, long? Population) ReadSettings(MethodReadContext context)
    {
        var size = context.Points.Count > 0 ? context.Points.Count : context.GridSize("method grid");
        return (new GridSettings(), context.Agree(size, context.Points.Count > 0 ? "the number of points" : "the grid size"));
    }

    /// <inheritdoc/>
    protected override void Write(GridSettings settings, SpecWriter writer)
    {
    }

    /// <inheritdoc/>
    protected override MethodOptions CreateOptions(ExperimentSpec spec, RunSpec run, GridSettings settings) =>
        new GridOptions();
}
