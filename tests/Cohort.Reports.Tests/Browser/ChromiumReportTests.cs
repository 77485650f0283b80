using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.RegularExpressions;
using Cohort.Core.Hyperparameters;
using Cohort.Core.Scheduling;
using Cohort.Core.Storage;

namespace Cohort.Reports.Tests.Browser;

/// <summary>
/// Renders a generated report in headless Chromium and checks its SVG figures after layout (report-check.js): every
/// figure has a box, every chart draws marks, no two labels of a chart overlap or leave it. Skipped, with the reason,
/// where no Chromium is installed (.ci/run installs Debian's <c>chromium</c>).
/// </summary>
public sealed class ChromiumReportTests
{
    private static readonly Objective s_objective = new("loss", ObjectiveMode.Minimize);

    [ChromiumFact]
    public async Task Report_Should_DrawEveryFigureWithoutOverlappingLabels_When_RenderedInChromium()
    {
        // Given a report of a 12-member PBT run (log-scaled l1 and l2, exploits) and a 9-cell grid
        await using var store = await StoreAsync();
        var html = await HtmlReport.BuildAsync(store, new ReportOptions("browser-check", s_objective, ["l1", "l2"], new HashSet<string>(["l1", "l2"])), CancellationToken.None);

        // When Chromium lays it out and runs the checks
        var verdict = Render(html);

        // Then
        var svgs = Regex.Count(html, "<svg[ >]");
        Assert.True(svgs >= 6, $"expected the report's figures, found {svgs} svg elements");
        Assert.Equal(svgs, verdict.GetProperty("svgs").GetInt32());
        Assert.True(verdict.GetProperty("marks").GetInt32() > 100, verdict.ToString());
        Assert.True(verdict.GetProperty("texts").GetInt32() > 50, verdict.ToString());
        foreach (var problem in new[] { "empty", "undrawn", "overlaps", "outside" })
        {
            var found = verdict.GetProperty(problem).EnumerateArray().Select(e => e.GetString()).ToArray();
            Assert.True(found.Length == 0, $"{problem}: {string.Join("; ", found)}");
        }
    }

    [ChromiumFact]
    public void Harness_Should_ReportOverlapAndEmptyFigures_When_TheFigureIsBroken()
    {
        // The checks themselves must catch what they are for: two labels drawn on top of each other, a zero-size svg,
        // and a chart with axes but no marks.
        const string Broken = """
            <!DOCTYPE html><html><body>
            <svg xmlns="http://www.w3.org/2000/svg" class="chart line-chart" width="300" height="200" viewBox="0 0 300 200">
              <g class="axes"><line x1="10" y1="190" x2="290" y2="190" stroke="#000"/></g>
              <text x="100" y="100">0.001</text><text x="104" y="102">0.002</text>
            </svg>
            <svg xmlns="http://www.w3.org/2000/svg" class="chart" width="0" height="0"></svg>
            </body></html>
            """;

        var verdict = Render(Broken);

        Assert.Single(verdict.GetProperty("overlaps").EnumerateArray());
        Assert.Single(verdict.GetProperty("empty").EnumerateArray());
        Assert.Single(verdict.GetProperty("undrawn").EnumerateArray());
    }

    /// <summary>Writes the page with report-check.js injected, dumps the DOM with headless Chromium, returns the verdict.</summary>
    internal static JsonElement Render(string html, [CallerFilePath] string source = "")
    {
        var script = File.ReadAllText(Path.Combine(Path.GetDirectoryName(source)!, "report-check.js"));
        var dir = Path.Combine(Path.GetTempPath(), "cohort-chromium", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            var at = html.LastIndexOf("</body>", StringComparison.OrdinalIgnoreCase);
            Assert.True(at >= 0, "the report has no </body>");
            var page = Path.Combine(dir, "report-check.html");
            File.WriteAllText(page, html[..at] + "<script>\n" + script + "\n</script>\n" + html[at..]);
            var dom = Chromium.Run(dir, "--dump-dom", new Uri(page).AbsoluteUri);
            var match = Regex.Match(dom, "<pre id=\"cohort-verdict\">(\\{.*?\\})</pre>", RegexOptions.Singleline);
            Assert.True(match.Success, "no verdict in the dumped DOM (did the script run?): " + dom[..Math.Min(dom.Length, 500)]);
            using var doc = JsonDocument.Parse(WebUtility.HtmlDecode(match.Groups[1].Value));
            return doc.RootElement.Clone();
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>
    /// 12 members × 12 generations of 50 steps, losses that fall with steps and depend on l1 and l2; at each generation
    /// the two worst copy the two best and perturb; plus a 3 × 3 grid run.
    /// </summary>
    private static async Task<InMemoryExperimentStore> StoreAsync()
    {
        var store = new InMemoryExperimentStore();
        var ct = CancellationToken.None;
        static HyperparameterSet H(double l1, double l2) =>
            HyperparameterSet.From(new Dictionary<string, HyperValue> { ["l1"] = l1, ["l2"] = l2 });
        static double Loss(HyperparameterSet h, long step, int member) =>
            (20.0 + (400.0 * (h.GetNumber("l1") + h.GetNumber("l2"))) + (2000.0 / (step + 50))) * (1 + (0.01 * member));

        await store.CreateRunAsync(new RunRecord("pbt-12", "pbt", "{}"), ct);
        var grid = new[] { 0.01, 0.0447, 0.2 };
        var hs = Enumerable.Range(0, 12).Select(m => H(grid[m % 3], grid[(m / 3) % 3] * (1 + (m / 9)))).ToArray();
        var checkpoints = new CheckpointRef?[12];
        var losses = new double[12];
        var from = new CheckpointRef?[12];
        for (var g = 0; g < 12; g++)
        {
            var events = Enumerable.Range(0, 12).Select(_ => new List<RunEvent>()).ToArray();
            if (g == 0)
            {
                for (var m = 0; m < 12; m++)
                {
                    events[m].Add(new MemberCreated(m, hs[m]));
                }
            }
            else
            {
                var ranked = Enumerable.Range(0, 12).OrderBy(m => losses[m]).ToArray();
                for (var k = 0; k < 2; k++)
                {
                    var (worst, best) = (ranked[11 - k], ranked[k]);
                    var before = hs[worst];
                    var after = H(hs[best].GetNumber("l1") * (k == 0 ? 0.5 : 0.8), hs[best].GetNumber("l2") * (k == 0 ? 0.8 : 0.5));
                    events[worst].Add(new Exploited(worst, g * 50, best, checkpoints[best]!, before, hs[best]));
                    events[worst].Add(new Explored(worst, g * 50, hs[best], after, "perturb"));
                    hs[worst] = after;
                    from[worst] = checkpoints[best];
                }
            }

            for (var m = 0; m < 12; m++)
            {
                var end = (g + 1) * 50L;
                losses[m] = Loss(hs[m], end, m);
                var checkpoint = new CheckpointRef(string.Create(CultureInfo.InvariantCulture, $"p{m}-{g}"), end, 100);
                var result = new TaskResult(
                    new TrainTask(m, g, g, from[m], hs[m], g * 50L, 50, 1),
                    TaskOutcome.Completed,
                    new Dictionary<string, double> { ["loss"] = losses[m] },
                    new Dictionary<string, double> { ["loss"] = losses[m] * 1.1 },
                    checkpoint);
                await store.AppendAsync("pbt-12", result, events[m], ct);
                checkpoints[m] = checkpoint;
                from[m] = checkpoint;
            }
        }

        await store.FinishRunAsync("pbt-12", RunStatus.Completed, null, 12.5, ct);
        await store.CreateRunAsync(new RunRecord("grid-9", "grid", "{}"), ct);
        for (var m = 0; m < 9; m++)
        {
            var h = H(grid[m % 3], grid[m / 3]);
            CheckpointRef? previous = null;
            for (var g = 0; g < 12; g++)
            {
                var checkpoint = new CheckpointRef(string.Create(CultureInfo.InvariantCulture, $"g{m}-{g}"), (g + 1) * 50L, 100);
                var loss = Loss(h, (g + 1) * 50L, m);
                var result = new TaskResult(
                    new TrainTask(m, g, g, previous, h, g * 50L, 50, 1),
                    TaskOutcome.Completed,
                    new Dictionary<string, double> { ["loss"] = loss },
                    new Dictionary<string, double> { ["loss"] = loss * 1.1 },
                    checkpoint);
                await store.AppendAsync("grid-9", result, g == 0 ? [new MemberCreated(m, h)] : [], ct);
                previous = checkpoint;
            }
        }

        await store.FinishRunAsync("grid-9", RunStatus.Completed, null, 9.5, ct);
        return store;
    }
}

/// <summary>Finds and runs headless Chromium (COHORT_CHROMIUM, else chromium, chromium-browser or google-chrome on PATH).</summary>
internal static class Chromium
{
    public static string? Path { get; } = Find();

    public static string SkipReason =>
        "Chromium not found (set COHORT_CHROMIUM or install Debian's chromium: .ci/run does) — the browser rendering check did not run.";

    /// <summary>Runs Chromium headless with <paramref name="args"/> and returns its standard output.</summary>
    public static string Run(string workingDirectory, params string[] args)
    {
        var start = new ProcessStartInfo(Path ?? throw new InvalidOperationException(SkipReason))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var a in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--hide-scrollbars", "--user-data-dir=" + System.IO.Path.Combine(workingDirectory, "profile") }.Concat(args))
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("Chromium did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(90)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("Chromium did not finish within 90 s.");
        }

        Assert.True(process.ExitCode == 0, $"Chromium exited with {process.ExitCode}: {stderr.Result}");
        return stdout.Result;
    }

    private static string? Find()
    {
        if (Environment.GetEnvironmentVariable("COHORT_CHROMIUM") is { Length: > 0 } configured)
        {
            return File.Exists(configured) ? configured : null;
        }

        var dirs = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        return new[] { "chromium", "chromium-browser", "google-chrome" }
            .SelectMany(name => dirs.Select(d => System.IO.Path.Combine(d, name)))
            .FirstOrDefault(File.Exists);
    }
}

/// <summary>A fact skipped, with the reason, where Chromium is not installed.</summary>
internal sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute()
    {
        if (Chromium.Path is null)
        {
            Skip = Chromium.SkipReason;
        }
    }
}
