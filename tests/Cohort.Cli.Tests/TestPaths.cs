namespace Cohort.Cli.Tests;

/// <summary>Locations the CLI tests need: the repository root (for examples/) and fresh temporary directories.</summary>
internal static class TestPaths
{
    public static string RepositoryRoot { get; } = FindRoot();

    public static string Example(string name) => Path.Combine(RepositoryRoot, "examples", name);

    public static string NewDirectory()
    {
        var path = Path.Combine(Path.GetTempPath(), "cohort-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }

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

/// <summary>Runs the <c>cohort</c> command in-process against string writers.</summary>
internal sealed record CliResult(int ExitCode, string Output, string Error);

internal static class Cli
{
    public static async Task<CliResult> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await CohortApp.RunAsync(args, output, error, interactive: false);
        return new CliResult(code, output.ToString(), error.ToString());
    }
}
