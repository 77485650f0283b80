using System.Reflection;
using Cohort.Spec;
using Cohort.Spec.Methods;
using Cohort.Spec.Plugins;
using Cohort.Spec.Sections;
using Cohort.Training;

namespace Cohort.Cli.Experiments;

/// <summary>
/// The sections the <c>cohort</c> command knows: Cohort.Spec's methods and plugin kind, Cohort.Training's kinds, and
/// those the entry assembly registers with <c>[assembly: SpecSection(typeof(…))]</c> — so a host that embeds the
/// command (its <c>Main</c> calls <see cref="CohortApp.RunAsync"/>) adds its own kinds, as
/// <c>src/Cohort.Cli.Torch</c> adds <c>torch</c>.
/// </summary>
internal static class CohortCatalog
{
    public static SpecCatalog Instance { get; } =
        SpecCatalog.Empty.Add(BuiltInMethods.All).Add(TrainingSections.All).Add(new PluginSection()).Add(HostSections());

    private static IEnumerable<ISpecSection> HostSections() =>
        Assembly.GetEntryAssembly()?.GetCustomAttributes<SpecSectionAttribute>().Select(a => (ISpecSection)Activator.CreateInstance(a.SectionType)!) ?? [];
}
