using Cohort.Spec;
using Cohort.Spec.Methods;
using Cohort.Spec.Plugins;
using Cohort.Training;

namespace Cohort.Cli.Experiments;

/// <summary>The sections the <c>cohort</c> command knows: Cohort.Spec's methods and plugin kind, Cohort.Training's kinds.</summary>
internal static class CohortCatalog
{
    public static SpecCatalog Instance { get; } = SpecCatalog.Empty.Add(BuiltInMethods.All).Add(TrainingSections.All).Add(new PluginSection());
}
