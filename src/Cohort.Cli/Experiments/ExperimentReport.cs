using Cohort.Core.Hyperparameters;
using Cohort.Core.Storage;
using Cohort.Core.Trainables;
using Cohort.Spec;
using Cohort.Reports;
using Cohort.Storage.Sqlite;

namespace Cohort.Cli.Experiments;

/// <summary>Writes <c>report.html</c> (Cohort.Reports) for an experiment from its spec and store.</summary>
internal static class ExperimentReport
{
    public const string FileName = "report.html";

    public static ReportOptions Options(ExperimentSpec spec) => new(
        spec.Experiment,
        spec.Objective,
        spec.Hyperparameters.Where(h => h.Type != HyperparameterType.Categorical).Select(h => h.Name).ToArray(),
        spec.Hyperparameters.Where(h => h.Scale == ParameterScale.Log).Select(h => h.Name).ToHashSet(StringComparer.Ordinal))
    {
        Target = spec.Target,
    };

    public static async Task<string> WriteAsync(IExperimentStore store, ExperimentSpec spec, string directory, CancellationToken cancellationToken)
    {
        var path = Path.Combine(directory, FileName);
        await HtmlReport.WriteAsync(store, Options(spec), path, cancellationToken).ConfigureAwait(false);
        return path;
    }

    /// <summary><c>cohort report DIR</c>: regenerates the report from the stored spec and store.</summary>
    public static async Task<int> RegenerateAsync(string directory, TextWriter output, CancellationToken cancellationToken)
    {
        var spec = await ExperimentHost.ReadStoredSpecAsync(directory, cancellationToken).ConfigureAwait(false);
        await using var store = await SqliteExperimentStore.OpenAsync(Path.Combine(directory, ExperimentHost.DatabaseFile), cancellationToken: cancellationToken).ConfigureAwait(false);
        var path = await WriteAsync(store, spec, directory, cancellationToken).ConfigureAwait(false);
        output.WriteLine($"Wrote {path}");
        return ExitCodes.Success;
    }
}
