using Cohort.Core.Hyperparameters;
using Cohort.Core.Pb2;
using Cohort.Core.Scheduling;

namespace Cohort.Reports;

/// <summary>What the report needs to know beyond the store: the experiment's name, its objective and how its searched hyperparameters are scaled.</summary>
/// <param name="Experiment">The experiment's name (the page title).</param>
/// <param name="Objective">The metric and its direction (Q in paper 000).</param>
/// <param name="Hyperparameters">The searched hyperparameters in display order; empty = every numeric hyperparameter whose value varies in the store.</param>
/// <param name="LogScaled">The names of the hyperparameters searched on a log scale (plotted on log axes).</param>
public sealed record ReportOptions(
    string Experiment,
    Objective Objective,
    IReadOnlyList<string> Hyperparameters,
    IReadOnlySet<string> LogScaled)
{
    /// <summary>A target value of the objective (the spec's <c>objective.target</c>): drawn on the comparison of runs, with each run's time to it; null for none.</summary>
    public double? Target { get; init; }

    /// <summary>
    /// The searched categorical hyperparameters and their choices (drawn on an axis of the choices, in this order);
    /// empty: every categorical hyperparameter whose value varies in the store, choices in ordinal order.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Categories { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>
    /// The experiment's search space (bounds and scales), for figures that rebuild a model over it (PB2's acquisition
    /// surface); null: those figures are left out.
    /// </summary>
    public SearchSpace? Space { get; init; }

    /// <summary>The PB2 runs by name, with the explore settings each decided with (for its acquisition surface).</summary>
    public IReadOnlyDictionary<string, Pb2ExploreOptions> Pb2Runs { get; init; } = new Dictionary<string, Pb2ExploreOptions>();
}
