using Cohort.Core.Hyperparameters;
using Cohort.Core.Storage;
using Cohort.Core.Trainables;
using Cohort.Spec;
using Cohort.Spec.Methods;
using Cohort.Reports;

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
        Categories = spec.Hyperparameters.Where(h => h.Type == HyperparameterType.Categorical)
            .ToDictionary(h => h.Name, h => (IReadOnlyList<string>)h.Choices.ToArray(), StringComparer.Ordinal),
        Space = SpecMapping.Space(spec),
        Pb2Runs = spec.Runs.Where(r => r.Settings is Pb2Settings).ToDictionary(r => r.Name, r => ((Pb2Settings)r.Settings).Explore, StringComparer.Ordinal),
    };

    public static async Task<string> WriteAsync(IExperimentStore store, ExperimentSpec spec, string directory, CancellationToken cancellationToken)
    {
        var path = Path.Combine(directory, FileName);
        await HtmlReport.WriteAsync(store, Options(spec), path, cancellationToken).ConfigureAwait(false);
        return path;
    }

    /// <summary><c>cohort report DIR</c>: regenerates the report from the stored spec and store.</summary>
    public static async Task<int> RegenerateAsync(ExperimentDirectory directory, TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(output);
        var (store, spec) = await directory.OpenExistingAsync(cancellationToken).ConfigureAwait(false);
        await using (store.ConfigureAwait(false))
        {
            await WriteAsync(store, spec, directory.FullPath, cancellationToken).ConfigureAwait(false);
        }

        output.WriteLine($"Wrote {Path.Combine(directory.Display, FileName)}");
        return ExitCodes.Success;
    }
}
