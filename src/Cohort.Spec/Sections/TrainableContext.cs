using Cohort.Core.Hyperparameters;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cohort.Spec.Sections;

/// <summary>What a trainable section needs besides its settings to build a factory.</summary>
/// <param name="Seed">The experiment's root seed (after any <c>--seed</c> override): data splits and problem instances derive from it.</param>
/// <param name="DataDirectory">Where datasets are looked up and downloaded; null: the <c>COHORT_DATA</c> environment variable or the default.</param>
/// <param name="Logger">Where a section says what it does (a download); never the console directly.</param>
public sealed record TrainableContext(ulong Seed, string? DataDirectory, ILogger Logger)
{
    /// <summary>
    /// The experiment's hyperparameters, searched and constant (filled in by <see cref="SpecCatalog.CreateFactoryAsync"/>):
    /// a trainable may size its buffers for the largest value one can take. Null: only the settings are known.
    /// </summary>
    public SearchSpace? Space { get; init; }

    /// <summary>A context that logs nothing.</summary>
    public static TrainableContext Quiet(ulong seed, string? dataDirectory = null) => new(seed, dataDirectory, NullLogger.Instance);
}
