using System.Diagnostics;
using Cohort.Cli.Experiments;
using Cohort.Storage.Sqlite;

namespace Cohort.Cli.Tests.Experiments;

/// <summary>Issue 13's messages about the experiment directory: each names the file or says how to continue, with exit code 2 for bad input.</summary>
public sealed class ExperimentDirectoryTests
{
    [Fact]
    public async Task Commands_Should_NameTheDatabase_When_CohortDbIsMalformed()
    {
        var dir = TestPaths.NewDirectory();
        var db = Path.Combine(dir, "cohort.db");
        await File.WriteAllTextAsync(db, "this is not an SQLite database, it only has its name");

        var show = await Cli.RunAsync("show", dir);
        var resume = await Cli.RunAsync("resume", dir);

        // The store names the file and says what to do (StoreException): a failure, exit 1, but no "internal error".
        Assert.Equal((1, 1), (show.ExitCode, resume.ExitCode));
        foreach (var error in new[] { show.Error, resume.Error })
        {
            Assert.Contains($"SQLite database {db}: ", error, StringComparison.Ordinal);
            Assert.Contains("The file is damaged or is not a Cohort database", error, StringComparison.Ordinal);
            Assert.DoesNotContain("internal error", error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Run_Should_ExitWith2_When_OutCannotBeWritten()
    {
        // A path below a regular file cannot be created (whoever runs the test, root included)
        var file = Path.Combine(TestPaths.NewDirectory(), "a-file");
        await File.WriteAllTextAsync(file, "");
        var output = Path.Combine(file, "out");

        var result = await Cli.RunAsync("run", TestPaths.Example("toy.yaml"), "--out", output);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"cannot write to the experiment directory {output}", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("internal error", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Resume_Should_SayHowToStartAgain_When_TheRunWasKilledBeforeItsSpecWasStored()
    {
        // Given a directory whose store was created but the process was killed before it stored the spec
        var dir = TestPaths.NewDirectory();
        await (await SqliteExperimentStore.OpenAsync(Path.Combine(dir, "cohort.db"))).DisposeAsync();

        var resume = await Cli.RunAsync("resume", dir);
        var run = await Cli.RunAsync("run", TestPaths.Example("toy.yaml"), "--out", dir, "--runs", "pbt", "--set", "steps=20");

        Assert.Equal(2, resume.ExitCode);
        Assert.Contains("holds no spec: the run was stopped while it started, before anything was trained. Start it again with `cohort run SPEC --out", resume.Error, StringComparison.Ordinal);
        Assert.True(run.ExitCode == 0, run.Output + run.Error);
    }

    [Theory]
    [InlineData("")]
    [InlineData("cohort.db")]
    public async Task Resume_Should_ContinueOrSayHowToStart_When_TheRunIsKilledWhileItStarts(string appeared)
    {
        // Given `cohort run` in its own process, killed with SIGKILL as soon as its directory (or its store) appears
        var dir = Path.Combine(TestPaths.NewDirectory(), "out");
        string[] run = ["run", TestPaths.Example("toy.yaml"), "--out", dir, "--runs", "grid", "--set", "steps=8", "--workers", "1"];
        using (var process = Process.Start(CliProcess.StartInfo(null, run))!)
        {
            _ = process.StandardOutput.ReadToEndAsync();
            _ = process.StandardError.ReadToEndAsync();
            var watch = Stopwatch.StartNew();
            while (!process.HasExited && !Path.Exists(Path.Combine(dir, appeared)) && watch.Elapsed < TimeSpan.FromSeconds(60))
            {
                Thread.Sleep(1);
            }

            process.Kill();
            await process.WaitForExitAsync();
        }

        // When it is resumed
        var resume = await Cli.RunAsync("resume", dir);

        // Then resume either continues it or, when nothing was stored, says how to start it; and run starts it there
        Assert.True(resume.ExitCode == 0 || (resume.ExitCode == 2 && resume.Error.Contains($"cohort run SPEC --out {dir}`", StringComparison.Ordinal)), $"exit {resume.ExitCode}: {resume.Error}");
        var again = await Cli.RunAsync(run);
        Assert.True(again.ExitCode == 0, again.Output + again.Error);
        Assert.True(File.Exists(Path.Combine(dir, "summary.json")));
    }

    [Fact]
    public async Task Resume_Should_SayHowToContinue_When_TheExperimentLivesInPostgres()
    {
        // Given the output folder of `cohort run --storage …` whose coordinator was killed before the summary
        var dir = TestPaths.NewDirectory();
        new ExperimentDirectory(dir).WriteStorageMarker("toy-pg", "postgresql://cohort:***@db.example/cohort");

        var resume = await Cli.RunAsync("resume", dir);

        Assert.Equal(2, resume.ExitCode);
        Assert.Contains("belongs to experiment 'toy-pg', which lives in PostgreSQL (postgresql://cohort:***@db.example/cohort)", resume.Error, StringComparison.Ordinal);
        Assert.Contains($"cohort run SPEC --storage <url> --out {dir}", resume.Error, StringComparison.Ordinal);
        Assert.Contains("cohort worker --storage <url> --experiment toy-pg", resume.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Resume_Should_SayThereIsNoExperiment_When_TheDirectoryIsEmptyOrMissing()
    {
        var empty = TestPaths.NewDirectory();
        var missing = Path.Combine(empty, "nope");

        var a = await Cli.RunAsync("resume", empty);
        var b = await Cli.RunAsync("show", missing);

        Assert.Equal((2, 2), (a.ExitCode, b.ExitCode));
        Assert.Contains($"{empty} holds no experiment (cohort.db not found)", a.Error, StringComparison.Ordinal);
        Assert.Contains($"Start one with `cohort run SPEC --out {empty}`", a.Error, StringComparison.Ordinal);
        Assert.Contains($"{missing} does not exist", b.Error, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Run_Should_NameThePathAndKeepALog_When_TheDiskFills()
    {
        // Given an experiment directory on a 1 MiB file system (tmpfs: needs root, else skipped with a reason)
        var mount = TestPaths.NewDirectory();
        Skip.IfNot(await MountAsync(mount), "cannot mount a small tmpfs here (needs root and CAP_SYS_ADMIN): the full-disk message was not checked");

        try
        {
            // When an experiment that writes far more than that runs there
            var result = await Cli.RunAsync("run", TestPaths.Example("toy.yaml"), "--out", Path.Combine(mount, "out"), "--set", "steps=4000", "--runs", "pbt");

            // Then it fails naming the path, without a stack trace, and cohort.log says what happened
            Assert.True(result.ExitCode == 1, $"exit {result.ExitCode}: {result.Output}{result.Error}");
            Assert.Contains(Path.Combine(mount, "out"), result.Error, StringComparison.Ordinal);
            Assert.Contains("full", result.Error, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("internal error", result.Error, StringComparison.Ordinal);
            var log = Path.Combine(mount, "out", "cohort.log");
            Assert.True(File.Exists(log) && new FileInfo(log).Length > 0, "cohort.log is missing or empty");
        }
        finally
        {
            await ShellAsync("umount", mount);
        }
    }

    private static async Task<bool> MountAsync(string path) =>
        OperatingSystem.IsLinux() && Environment.UserName == "root" && await ShellAsync("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", path) == 0;

    private static async Task<int> ShellAsync(string command, params string[] args)
    {
        try
        {
            var start = new ProcessStartInfo(command) { RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (var a in args)
            {
                start.ArgumentList.Add(a);
            }

            using var process = Process.Start(start)!;
            await process.WaitForExitAsync();
            return process.ExitCode;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return -1;
        }
    }
}
