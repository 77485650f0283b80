using System.Diagnostics;

namespace Cohort.Cli.Tests;

/// <summary>Builds a project under <c>examples/</c> (a plugin) in the tests' configuration and returns its assembly.</summary>
internal static class ExampleProjects
{
    public static string Configuration { get; } =
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Debug" : "Release";

    /// <summary>Runs <c>dotnet build</c> on <c>examples/{folder}/{name}.csproj</c>; fails the test with its output when it fails.</summary>
    public static async Task<string> BuildAsync(string folder, string name)
    {
        var project = Path.Combine(TestPaths.RepositoryRoot, "examples", folder, name + ".csproj");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "build", project, "-c", Configuration, "--nologo", "-v", "q", "-nodeReuse:false" })
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"dotnet build {project} failed:\n{await output}\n{await error}");
        var dll = Path.Combine(TestPaths.RepositoryRoot, "examples", folder, "bin", Configuration, "net10.0", name + ".dll");
        Assert.True(File.Exists(dll), dll);
        return dll;
    }
}
