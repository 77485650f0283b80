using System.Globalization;
using Xunit.Abstractions;

namespace Cohort.Cli.Tests;

/// <summary>
/// Issue 13's bar, small: mutated example specs through <c>cohort run</c> in-process end with exit 0 or 2 and never
/// print a stack trace. <c>benchmarks/scripts/fuzz_run.sh</c> runs the full 1,000 with a 20 s cap each
/// (COHORT_FUZZ_SPECS=1000, COHORT_FUZZ_SECONDS=20).
/// </summary>
public sealed class SpecFuzzTests(ITestOutputHelper log)
{
    [Fact]
    public async Task Validate_Should_AcceptEveryShrunkExample_When_NotMutated()
    {
        var problems = new List<string>();
        foreach (var example in SpecFuzzer.Bases)
        {
            var path = Path.Combine(TestPaths.NewDirectory(), Path.GetFileName(example));
            await File.WriteAllTextAsync(path, SpecFuzzer.Shrunk(example));
            var result = await Cli.RunAsync("validate", path);
            if (result.ExitCode != 0)
            {
                problems.Add(result.Error);
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public async Task Run_Should_ExitWith0Or2WithoutAStackTrace_When_TheSpecIsMutated()
    {
        var count = int.TryParse(Environment.GetEnvironmentVariable("COHORT_FUZZ_SPECS"), CultureInfo.InvariantCulture, out var n) ? n : 50;
        var seconds = int.TryParse(Environment.GetEnvironmentVariable("COHORT_FUZZ_SECONDS"), CultureInfo.InvariantCulture, out var s) ? s : 5;
        var seed = int.TryParse(Environment.GetEnvironmentVariable("COHORT_FUZZ_SEED"), CultureInfo.InvariantCulture, out var z) ? z : 13;
        var data = SharedData.Root;
        var exits = new Dictionary<int, int>();
        var failures = new List<string>();
        var root = TestPaths.NewDirectory();
        var only = Environment.GetEnvironmentVariable("COHORT_FUZZ_EXAMPLES");
        var bases = SpecFuzzer.Usable(data).Where(b => string.IsNullOrEmpty(only) || Path.GetFileName(b).Contains(only, StringComparison.Ordinal)).ToList();
        var record = Environment.GetEnvironmentVariable("COHORT_FUZZ_LOG") is { Length: > 0 } file ? new StreamWriter(file) { AutoFlush = true } : null;
        var first = int.TryParse(Environment.GetEnvironmentVariable("COHORT_FUZZ_FIRST"), CultureInfo.InvariantCulture, out var f) ? f : 0;
        for (var i = first; i < first + count; i++)
        {
            var (yaml, changes) = SpecFuzzer.Create(bases, seed, i);
            var dir = Path.Combine(root, i.ToString(CultureInfo.InvariantCulture));
            Directory.CreateDirectory(dir);
            var spec = Path.Combine(dir, "spec.yaml");
            await File.WriteAllTextAsync(spec, yaml);
            using var cap = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
            var output = new StringWriter();
            var error = new StringWriter();
            string[] args = data is null
                ? ["run", spec, "--out", Path.Combine(dir, "out"), "--workers", "2"]
                : ["run", spec, "--out", Path.Combine(dir, "out"), "--workers", "2", "--data-dir", data];
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var code = await CohortApp.RunAsync(args, output, error, interactive: false, cancellationToken: cap.Token);
            exits[code] = exits.GetValueOrDefault(code) + 1;
            var text = output + error.ToString();
            var traced = SpecFuzzer.HasStackTrace(text);
            var internalError = text.Contains("internal error", StringComparison.OrdinalIgnoreCase);
            record?.WriteLine(string.Create(CultureInfo.InvariantCulture, $"spec {i}\texit {code}\t{clock.Elapsed.TotalSeconds:F1} s\t{(traced ? "TRACE" : "-")}\t{(internalError ? "INTERNAL" : "-")}\t{changes}\t{error.ToString().Split('\n')[0].Trim()}"));
            if (record is not null && (code is not (0 or 2 or 130) || traced || internalError))
            {
                record.WriteLine($"--- spec {i} output:\n{text}\n--- spec {i} yaml:\n{yaml}\n---");
            }

            if (Environment.GetEnvironmentVariable("COHORT_FUZZ_VERBOSE") == "1")
            {
                log.WriteLine($"spec {i} ({changes}): exit {code}: {error.ToString().Split('\n')[0]}");
            }

            if (code is not (0 or 2 or 130) || traced || internalError || (code == 130 && !cap.IsCancellationRequested))
            {
                failures.Add($"spec {i} ({changes}): exit {code}{(traced ? ", stack trace" : "")}\n{error}\n{yaml}");
            }
        }

        record?.Dispose();
        var summary = string.Join(", ", exits.OrderBy(e => e.Key).Select(e => $"exit {e.Key}: {e.Value}"));
        log.WriteLine($"{count} mutated specs from {bases.Count} examples (seed {seed}, cap {seconds} s; exit 130 = stopped at the cap): {summary}; {failures.Count} with another exit code or a stack trace");
        Assert.True(failures.Count == 0, string.Join("\n\n", failures.Take(5)));
        Assert.True(exits.GetValueOrDefault(0) > 0 && exits.GetValueOrDefault(2) > 0, summary);
    }
}
