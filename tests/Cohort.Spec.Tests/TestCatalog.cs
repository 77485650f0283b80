using Cohort.Spec.Methods;
using Cohort.Spec.Plugins;
using Cohort.Spec.Tests.Sections;
using Cohort.Training;

namespace Cohort.Spec.Tests;

/// <summary>The catalogs the tests read specs with.</summary>
internal static class TestCatalog
{
    /// <summary>What the <c>cohort</c> command knows: the built-in methods, Cohort.Training's kinds and plugins.</summary>
    public static SpecCatalog Cohort { get; } = SpecCatalog.Empty.Add(BuiltInMethods.All).Add(TrainingSections.All).Add(new PluginSection());

    /// <summary><see cref="Cohort"/> plus the tests' own kind <c>lab</c> and method <c>sample</c>: one class and one line each.</summary>
    public static SpecCatalog WithLab { get; } = Cohort.Add(new LabSection(), new SampleSection());

    /// <summary>Parses with <see cref="WithLab"/>.</summary>
    public static ExperimentSpec Parse(string text, string file = "spec.yaml") => WithLab.Parse(text, file);

    /// <summary>The errors <see cref="WithLab"/> reports for <paramref name="text"/>.</summary>
    public static IReadOnlyList<SpecError> Errors(string text, string file = "spec.yaml") =>
        Assert.Throws<SpecException>(() => WithLab.Parse(text, file)).Errors;
}

/// <summary>Locations the tests need: the repository root (for examples/).</summary>
internal static class TestPaths
{
    public static string RepositoryRoot { get; } = FindRoot();

    public static string Example(string name) => Path.Combine(RepositoryRoot, "examples", name);

    /// <summary>A spec shared by the test projects, in <c>tests/specs</c>.</summary>
    public static string TestSpec(string name) => Path.Combine(RepositoryRoot, "tests", "specs", name);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Cohort.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No Cohort.slnx above {AppContext.BaseDirectory}.");
    }
}
