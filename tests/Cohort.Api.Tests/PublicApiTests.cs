using System.Reflection;
using System.Text;

namespace Cohort.Api.Tests;

/// <summary>
/// The public surface of every library assembly, against a committed snapshot (tests/Cohort.Api.Tests/api/NAME.txt):
/// a change to what users can call must be deliberate. To accept a change, rewrite the snapshots and commit them:
/// <c>COHORT_ACCEPT_API=1 dotnet test tests/Cohort.Api.Tests --filter PublicApi</c>.
/// </summary>
public sealed class PublicApiTests
{
    public const string AcceptVariable = "COHORT_ACCEPT_API";

    public static TheoryData<string> Assemblies { get; } =
    [
        "Cohort.Core",
        "Cohort.Engine",
        "Cohort.Training",
        "Cohort.Spec",
        "Cohort.Storage.Sqlite",
        "Cohort.Storage.Postgres",
        "Cohort.Reports",
        "Cohort.TorchSharp",
    ];

    [Theory]
    [MemberData(nameof(Assemblies))]
    public void PublicApi_Should_MatchTheSnapshot_When_TheSurfaceIsUnchanged(string assembly)
    {
        var path = RepositoryPaths.Of("tests", "Cohort.Api.Tests", "api", assembly + ".txt");
        var actual = PublicApi.Lines(Assembly.Load(assembly));
        var text = string.Join("\n", actual) + "\n";
        if (Environment.GetEnvironmentVariable(AcceptVariable) == "1")
        {
            File.WriteAllText(path, text, new UTF8Encoding(false));
            return;
        }

        var expected = File.Exists(path) ? File.ReadAllLines(path) : [];
        var removed = expected.Except(actual, StringComparer.Ordinal).ToArray();
        var added = actual.Except(expected, StringComparer.Ordinal).ToArray();
        Assert.True(
            removed.Length == 0 && added.Length == 0,
            $"The public API of {assembly} changed ({removed.Length} line(s) removed, {added.Length} added; - in the snapshot only, + in the code only).\n"
            + string.Concat(removed.Select(l => "- " + l + "\n")) + string.Concat(added.Select(l => "+ " + l + "\n"))
            + $"If the change is deliberate, accept it with `{AcceptVariable}=1 dotnet test tests/Cohort.Api.Tests --filter PublicApi` and commit {Path.GetRelativePath(RepositoryPaths.Root, path)}.");
        Assert.Equal(expected, actual);
    }
}
