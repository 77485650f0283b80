using System.Globalization;
using System.Text.Json;

namespace Cohort.Cli.Tests;

public sealed class CohortAppTests
{
    [Fact]
    public async Task Should_ReproduceFigure2_When_RunningTheToyExample()
    {
        // Given the toy example (Jaderberg et al. 2017, Figure 2)
        var dir = TestPaths.NewDirectory();

        // When it runs
        var result = await Cli.RunAsync("run", TestPaths.Example("toy.yaml"), "--out", dir, "--workers", "2");

        // Then grid search stalls at Q = 0.39, PBT reaches the optimum and both ablations end in between
        Assert.True(result.ExitCode == 0, result.Output + result.Error);
        var scores = BestScores(dir);
        Assert.Equal(0.39, scores["grid"], 6);
        Assert.True(scores["pbt"] >= 1.2 - 1e-3, $"pbt {scores["pbt"]}");
        foreach (var ablation in new[] { "explore-only", "exploit-only" })
        {
            Assert.InRange(scores[ablation], scores["grid"] + 0.01, scores["pbt"]);
            Assert.True(scores[ablation] < scores["pbt"], $"{ablation} {scores[ablation]} vs pbt {scores["pbt"]}");
        }

        Assert.True(File.Exists(Path.Combine(dir, "cohort.db")));

        // And events.csv writes hyperparameter sets (constants included) as JSON objects, one number per hyperparameter
        var exploit = File.ReadLines(Path.Combine(dir, "events.csv")).First(l => l.StartsWith("pbt,exploit,", StringComparison.Ordinal));
        var fields = CsvFields(exploit);
        using var before = JsonDocument.Parse(fields[10]);
        using var after = JsonDocument.Parse(fields[11]);
        Assert.Equal(["h0", "h1", "lr"], before.RootElement.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.InRange(after.RootElement.GetProperty("h0").GetDouble(), 0, 1);
        Assert.Equal(0.01, after.RootElement.GetProperty("lr").GetDouble());
    }

    [Fact]
    public async Task Should_WriteTheSameSummary_When_RunTwiceWithOneAndTwoWorkers()
    {
        var one = TestPaths.NewDirectory();
        var two = TestPaths.NewDirectory();

        var a = await Cli.RunAsync("run", TestPaths.Example("toy.yaml"), "--out", one, "--workers", "1", "--seed", "7");
        var b = await Cli.RunAsync("run", TestPaths.Example("toy.yaml"), "--out", two, "--workers", "2", "--seed", "7");

        Assert.Equal(0, a.ExitCode);
        Assert.Equal(0, b.ExitCode);
        Assert.Equal(SummaryWithoutTimes(one), SummaryWithoutTimes(two));
    }

    [Fact]
    public async Task Should_ExchangeWeightsAndBeDeterministic_When_PbtIsAsynchronous()
    {
        // Given the toy with asynchronous PBT (paper 002, Algorithm 1)
        var dir = TestPaths.NewDirectory();
        var spec = Path.Combine(dir, "async.yaml");
        await File.WriteAllTextAsync(spec, ToySpecs.CornersPbt("toy-async", 400, mode: "asynchronous"));

        // When it runs with one and with two workers
        var one = await Cli.RunAsync("run", spec, "--out", Path.Combine(dir, "one"), "--workers", "1");
        var two = await Cli.RunAsync("run", spec, "--out", Path.Combine(dir, "two"), "--workers", "2");

        // Then members met at their ready points (Q well past the grid's 0.39) and, results being told in pending
        // order, the outcome does not depend on the worker count
        Assert.Equal(0, one.ExitCode);
        Assert.Equal(0, two.ExitCode);
        Assert.True(BestScores(Path.Combine(dir, "one"))["pbt"] > 1.1);
        Assert.Equal(SummaryWithoutTimes(Path.Combine(dir, "one")), SummaryWithoutTimes(Path.Combine(dir, "two")));
    }

    [Fact]
    public async Task Should_ExitWith2AndNameTheKey_When_TheSpecIsBad()
    {
        var dir = TestPaths.NewDirectory();
        var spec = Path.Combine(dir, "bad.yaml");
        await File.WriteAllTextAsync(spec, """
            version: 1
            experiment: bad
            objective: {metric: q, mode: maximize}
            trainable: {kind: toy}
            hyperparameters:
              h0: {type: float, min: 0, max: 1}
            steps: ten
            runs:
              - name: pbt
                methd: pbt
            """);

        var result = await Cli.RunAsync("run", spec, "--out", Path.Combine(dir, "out"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("steps", result.Error, StringComparison.Ordinal);
        Assert.Contains("runs[0].methd", result.Error, StringComparison.Ordinal);
        Assert.Contains("bad.yaml", result.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(dir, "out")), "nothing may be written for a rejected spec");
    }

    [Fact]
    public async Task Should_ExitNonZeroAndPrintTheCause_When_EveryTaskWouldFail()
    {
        // Given a spec whose every task would throw (the toy refuses a negative noise): since the trainables declare
        // what they accept, validation catches it before anything trains (the runner's side of a task that fails at
        // run time, with retries, exclusions, the failed status and failed_members, is ExperimentRunnerTests')
        var dir = TestPaths.NewDirectory();
        var spec = Path.Combine(dir, "failing.yaml");
        await File.WriteAllTextAsync(spec, """
            version: 1
            experiment: failing
            objective: {metric: q, mode: maximize}
            trainable: {kind: toy}
            hyperparameters:
              h0: {type: float, min: 0, max: 1}
              h1: {type: float, min: 0, max: 1}
            constants: {lr: 0.01, noise: -1}
            steps: 40
            ready: {every: 4}
            runs:
              - name: pbt
                method: pbt
                points: [{h0: 1, h1: 0}, {h0: 0, h1: 1}]
                retries: 1
            """);
        var output = Path.Combine(dir, "out");

        // When it runs
        var result = await Cli.RunAsync("run", spec, "--out", output);

        // Then it exits non-zero (no internal error), naming the file, the key and the cause, and trains nothing
        Assert.Equal(2, result.ExitCode);
        Assert.DoesNotContain("internal error", result.Error, StringComparison.Ordinal);
        Assert.Contains("failing.yaml", result.Error, StringComparison.Ordinal);
        Assert.Contains("constants.noise: trainable 'toy' takes 'noise' in [0,", result.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(output, "summary.json")), "nothing may be trained for a rejected spec");
    }

    [Fact]
    public async Task Should_ExitWith2_When_TheSpecFileIsMissing()
    {
        var result = await Cli.RunAsync("validate", Path.Combine(TestPaths.NewDirectory(), "missing.yaml"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("missing.yaml", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_ReportTheRuns_When_ValidatingTheToyExample()
    {
        var result = await Cli.RunAsync("validate", TestPaths.Example("toy.yaml"));

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("4 runs (", result.Output, StringComparison.Ordinal);
        Assert.Contains("pbt: pbt x2", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_SayOneRun_When_ValidatingASpecWithOneRun()
    {
        var result = await Cli.RunAsync("validate", TestPaths.Example("lenet5-mnist.yaml"));

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("1 run (", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_RefuseAnotherSpec_When_TheDirectoryHoldsAnExperiment()
    {
        var dir = TestPaths.NewDirectory();
        Assert.Equal(0, (await Cli.RunAsync("run", TestPaths.Example("toy.yaml"), "--out", dir, "--seed", "1")).ExitCode);

        var again = await Cli.RunAsync("run", TestPaths.Example("toy.yaml"), "--out", dir, "--seed", "2");

        Assert.Equal(2, again.ExitCode);
        Assert.Contains("cohort resume", again.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_ShowATableAndReplayTheSchedule_When_TheExperimentIsDone()
    {
        var dir = TestPaths.NewDirectory();
        Assert.Equal(0, (await Cli.RunAsync("run", TestPaths.Example("toy.yaml"), "--out", dir)).ExitCode);

        var show = await Cli.RunAsync("show", dir);
        var replay = await Cli.RunAsync("replay", dir, "--run", "pbt");

        Assert.Equal(0, show.ExitCode);
        Assert.Contains("explore-only", show.Output, StringComparison.Ordinal);
        Assert.Equal(0, replay.ExitCode);
        using var doc = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(dir, "replay-pbt.json")));
        // Replaying PBT's schedule from scratch gets past the grid's stall: the schedule, not the weights, carries it.
        Assert.True(doc.RootElement.GetProperty("score").GetDouble() > 1.1, doc.RootElement.ToString());
    }

    [Fact]
    public async Task Should_FormatNumbersInvariantly_When_TheCultureIsFrench()
    {
        var previous = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = new CultureInfo("fr-FR");
        try
        {
            var dir = TestPaths.NewDirectory();
            var result = await Cli.RunAsync("run", TestPaths.Example("toy.yaml"), "--out", dir);

            Assert.Equal(0, result.ExitCode);
            Assert.DoesNotContain("0,39", await File.ReadAllTextAsync(Path.Combine(dir, "summary.json")), StringComparison.Ordinal);
            Assert.Equal(0.39, BestScores(dir)["grid"], 6);
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    internal static Dictionary<string, double> BestScores(string dir)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "summary.json")));
        return doc.RootElement.GetProperty("runs").EnumerateArray().ToDictionary(
            r => r.GetProperty("name").GetString()!,
            r => r.GetProperty("best").GetProperty("score").GetDouble());
    }

    internal static string SummaryWithoutTimes(string dir)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "summary.json")))!;
        foreach (var run in node["runs"]!.AsArray())
        {
            run!.AsObject().Remove("wall_seconds");
        }

        return node.ToJsonString();
    }

    /// <summary>The fields of one CSV line (RFC 4180 quoting).</summary>
    private static List<string> CsvFields(string line)
    {
        var fields = new List<string>();
        var field = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted && c == '"' && i + 1 < line.Length && line[i + 1] == '"')
            {
                field.Append('"');
                i++;
            }
            else if (c == '"')
            {
                quoted = !quoted;
            }
            else if (c == ',' && !quoted)
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else
            {
                field.Append(c);
            }
        }

        fields.Add(field.ToString());
        return fields;
    }
}
