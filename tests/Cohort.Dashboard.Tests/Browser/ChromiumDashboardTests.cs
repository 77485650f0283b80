using System.Globalization;
using Microsoft.Playwright;

namespace Cohort.Dashboard.Tests.Browser;

/// <summary>
/// The dashboard in a real browser: Debian's headless <c>chromium</c> driven by Microsoft.Playwright (its executable
/// path: Playwright's own browser download is never used). Skipped, saying why, where no Chromium is installed;
/// .ci/run installs it. Screenshots go to <c>$COHORT_DASHBOARD_SCREENSHOTS</c> when set.
/// </summary>
public sealed class ChromiumDashboardTests
{
    [ChromiumFact]
    public async Task Page_Should_DrawChartsFollowLiveEvaluationsAndOpenTheLineage_When_ARunIsInProgress()
    {
        // Given a run in progress: 2 generations stored, then one more every 400 ms while the page is open
        await using var experiment = await TestExperiment.CreateAsync("live <script>alert(1)</script>");
        await experiment.AppendGenerationAsync();
        await experiment.AppendGenerationAsync();
        await using var server = await DashboardServerTests.StartAsync(experiment);
        await using var browser = await BrowserPage.OpenAsync();
        var (page, dialogs, errors) = (browser.Page, browser.Dialogs, browser.Errors);

        // When the page loads and the charts draw the stored generations
        await page.GotoAsync(server.Address.AbsoluteUri);
        await page.WaitForFunctionAsync("() => window.cohortDashboard && window.cohortDashboard.ids.size >= 8", null, new PageWaitForFunctionOptions { Timeout = 15_000 });
        await page.EvaluateAsync("() => { window.notReloaded = true; }");
        await page.WaitForFunctionAsync("() => document.querySelector('#curves').dataset.evaluations === '8'", null, new PageWaitForFunctionOptions { Timeout = 10_000 });

        // Then every chart has a series per member (or run) with points, and its canvas is not blank
        var drawn = await page.EvaluateAsync<int[]>(
            """
            () => ['curves', 'overlay', 'hyperparameters'].map(id => {
              const option = echarts.getInstanceByDom(document.getElementById(id)).getOption();
              const points = option.series.reduce((n, s) => n + s.data.length, 0);
              const canvas = document.querySelector('#' + id + ' canvas');
              const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
              let inked = 0;
              for (let i = 0; i < pixels.length; i += 4) if (pixels[i + 3] > 0 && (pixels[i] < 200 || pixels[i + 1] < 200)) inked++;
              return [option.series.length, points, inked];
            }).flat()
            """);
        Assert.True(drawn[0] == TestExperiment.Population && drawn[1] == 8 && drawn[2] > 500, $"curves: {drawn[0]} series, {drawn[1]} points, {drawn[2]} inked pixels");
        Assert.True(drawn[3] >= 1 && drawn[4] >= 2 && drawn[5] > 200, $"overlay: {drawn[3]} series, {drawn[4]} points, {drawn[5]} inked pixels");
        Assert.True(drawn[6] == TestExperiment.Population && drawn[7] == 16 && drawn[8] > 500, $"hyperparameters: {drawn[6]} series, {drawn[7]} points, {drawn[8]} inked pixels");
        await ScreenshotAsync(page, "dashboard-loaded.png");

        // And new evaluations appear without a reload, each within 2 s of being stored
        for (var g = 0; g < 3; g++)
        {
            await Task.Delay(400);
            await experiment.AppendGenerationAsync();
        }

        var last = experiment.StoredAt.Keys.Max();
        await page.WaitForFunctionAsync($"() => window.cohortDashboard.seen[{last}] !== undefined", null, new PageWaitForFunctionOptions { Timeout = 10_000 });
        var seen = await page.EvaluateAsync<Dictionary<string, long>>("() => window.cohortDashboard.seen");
        var latencies = experiment.StoredAt.Where(kv => kv.Key > 8).Select(kv => seen[kv.Key.ToString(CultureInfo.InvariantCulture)] - kv.Value).ToArray();
        Assert.Equal(12, latencies.Length);
        Assert.True(latencies.Max() < 2000, $"stored-to-shown latencies (ms): {string.Join(", ", latencies)}");
        Assert.True(await page.EvaluateAsync<bool>("() => window.notReloaded === true"), "the page reloaded");
        await page.WaitForFunctionAsync("() => document.querySelector('#curves').dataset.evaluations === '20'", null, new PageWaitForFunctionOptions { Timeout = 5_000 });

        // And the views drawn from decisions and projections follow too: the exploit stored while the page was open is
        // an arrow on the lineage graph, the parallel coordinates have a line per member, the best schedule is drawn
        await page.WaitForFunctionAsync(
            "() => document.querySelector('#lineage-graph').dataset.transfers === '1' && document.querySelector('#best-schedule').dataset.run === 'pbt'", null, Wait(10_000));
        Assert.Equal(TestExperiment.Population.ToString(CultureInfo.InvariantCulture), await page.Locator("#parallel").GetAttributeAsync("data-lines"));

        // And clicking member 3 in the table opens its lineage: the exploit of member 0 with the weights' hash
        await page.Locator("#members tbody tr:has(td:first-child:text-is('3'))").ClickAsync();
        await page.Locator("#lineage-details").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Visible, Timeout = 5_000 });
        Assert.Equal("3 of pbt", await page.Locator("#lineage-member").TextContentAsync());
        Assert.Equal(experiment.ExploitHash, await page.Locator("#exploits td.hash").First.TextContentAsync());
        await ScreenshotAsync(page, "dashboard-lineage.png");

        // And the experiment's name renders as text: no script ran, no dialog opened
        Assert.Equal("live <script>alert(1)</script>", await page.Locator(".experiment-title").First.TextContentAsync());
        Assert.Empty(dialogs);
        Assert.Empty(errors);
    }

    [ChromiumFact]
    public async Task Page_Should_DrawTheSearchLineageFireAndGaViews_When_RunsOfEachMethodAreStored()
    {
        // Given finished grid, PBT, GA and FIRE runs (toy problem, 200 steps, ready every 10) under a name that is markup
        await using var experiment = await MethodsExperiment.CreateAsync("methods <img src=x onerror=alert(1)>");
        await using var server = await DashboardServer.StartAsync(new DashboardOptions { Directory = experiment.Directory, Port = 0 }, CancellationToken.None);
        using var client = new HttpClient { BaseAddress = server.Address };
        var query = "experiment=" + Uri.EscapeDataString(experiment.Name) + "&run=";
        await using var browser = await BrowserPage.OpenAsync();
        var (page, dialogs, errors) = (browser.Page, browser.Dialogs, browser.Errors);
        await page.GotoAsync(server.Address.AbsoluteUri);
        const int PbtEvaluations = MethodsExperiment.Population * (int)(MethodsExperiment.Steps / 10);
        await page.WaitForFunctionAsync($"() => window.cohortDashboard && (window.cohortDashboard.rows.get('pbt') || []).length === {PbtEvaluations} && (window.cohortDashboard.rows.get('grid') || []).length === 180", null, Wait(15_000));

        // When the PBT run is selected
        await page.Locator(".runs tbody tr:has(td:text-is('pbt'))").ClickAsync();
        await page.WaitForFunctionAsync("() => document.querySelector('#best-schedule').dataset.run === 'pbt' && document.querySelector('#explored-run').textContent === 'pbt'", null, Wait(10_000));

        // Then the explored scatter draws every PBT evaluation over the 9 grid cells, h1 on a log axis, coloured by score
        var explored = await page.EvaluateAsync<double[]>(
            """
            () => {
              const o = echarts.getInstanceByDom(document.getElementById('explored')).getOption();
              const grid = o.series.find(s => s.id === 'grid'), pbt = o.series.find(s => s.id === 'explored');
              return [grid.data.length, pbt.data.length, o.xAxis[0].type === 'value' ? 1 : 0, o.yAxis[0].type === 'log' ? 1 : 0,
                o.visualMap[0].dimension, o.visualMap[0].min, o.visualMap[0].max, Math.min(...pbt.data.map(d => d[1]))];
            }
            """);
        Assert.Equal([9, PbtEvaluations, 1, 1, 2], explored[..5]);
        Assert.True(explored[5] < explored[6] && explored[7] > 0, $"score range {explored[5]}..{explored[6]}; smallest h1 {explored[7]}");

        // And the parallel coordinates draw one line per member through h0, h1 (log) and the score
        var parallel = await page.EvaluateAsync<string>(
            "() => { const o = echarts.getInstanceByDom(document.getElementById('parallel')).getOption(); return o.series[0].data.length + ':' + o.parallelAxis.map(a => a.name + '/' + a.type).join(','); }");
        Assert.Equal($"{MethodsExperiment.Population}:h0/value,h1/log,q/value", parallel);

        // And the best member's schedule is the server's projection (summary.json's schedule), one chart per hyperparameter
        using var best = System.Text.Json.JsonDocument.Parse(await client.GetStringAsync("api/best?" + query + "pbt"));
        var bestMember = best.RootElement.GetProperty("member").GetInt32();
        var segments = best.RootElement.GetProperty("schedule").GetArrayLength();
        Assert.Equal(bestMember.ToString(CultureInfo.InvariantCulture), await page.Locator("#best-schedule").GetAttributeAsync("data-member"));
        var schedule = await page.EvaluateAsync<int[]>(
            "() => echarts.getInstanceByDom(document.getElementById('best-schedule')).getOption().series.map(s => s.data.length)");
        Assert.Equal([segments + 1, segments + 1], schedule);
        await ScreenshotAsync(page, "dashboard-pbt.png");

        // And clicking a member that exploited, on the lineage graph, shows its ancestors and each checkpoint's hash
        var exploit = await page.EvaluateAsync<int[]>(
            "() => { const x = window.cohortDashboard.decisions.get('pbt').filter(d => d.kind === 'exploit').pop(); return [x.member, x.from, x.step]; }");
        Assert.True(await page.EvaluateAsync<int>("() => Number(document.getElementById('lineage-graph').dataset.transfers)") > 0);
        var graph = page.Locator("#lineage-graph");
        await graph.ScrollIntoViewIfNeededAsync();
        var box = (await graph.BoundingBoxAsync())!;
        var at = await page.EvaluateAsync<double[]>(
            $"() => echarts.getInstanceByDom(document.getElementById('lineage-graph')).convertToPixel({{ xAxisIndex: 0, yAxisIndex: 0 }}, [{MethodsExperiment.Steps}, {exploit[0]}])");
        await page.Mouse.ClickAsync((float)(box.X + at[0]), (float)(box.Y + at[1]));
        await page.Locator("#lineage-details").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Visible, Timeout = 5_000 });
        Assert.Equal($"{exploit[0]} of pbt", await page.Locator("#lineage-member").TextContentAsync());
        Assert.Contains($"member {exploit[1]} (steps", await page.Locator("#ancestors").TextContentAsync(), StringComparison.Ordinal);
        using var lineage = System.Text.Json.JsonDocument.Parse(await client.GetStringAsync($"api/lineage?{query}pbt&member={exploit[0]}"));
        var hashes = lineage.RootElement.GetProperty("checkpoints").EnumerateArray().Select(c => c.GetProperty("hash").GetString()!).ToArray();
        Assert.Equal((int)(MethodsExperiment.Steps / 10), hashes.Length);
        Assert.Equal(hashes, await page.Locator("#checkpoints td.hash").AllTextContentsAsync());
        var lit = await page.EvaluateAsync<int>(
            "() => echarts.getInstanceByDom(document.getElementById('lineage-graph')).getOption().series[0].links.filter(l => l.lineStyle.color === '#d62728' && l.kind === 'exploit').length");
        Assert.True(lit >= 1, "no exploit on the clicked member's path is highlighted");
        await ScreenshotAsync(page, "dashboard-lineage-graph.png");

        // And every chart tooltip escapes what it shows
        var leaked = await page.EvaluateAsync<string[]>(
            """
            () => {
              const bad = '<img src=x onerror=alert(1)>';
              const data = [bad, bad, bad, bad, bad];
              Object.assign(data, { member: bad, step: bad, to: bad, from: bad, hash: bad, kind: 'exploit', roles: [bad], value: data, decision: { step: bad, member: bad, from: bad, parent: bad, detail: bad } });
              const p = { seriesName: bad, seriesId: 'x', dataType: 'edge', value: data, data };
              return ['curves', 'overlay', 'hyperparameters', 'explored', 'parallel', 'best-schedule', 'lineage-graph', 'fire-evaluators']
                .map(id => [id, echarts.getInstanceByDom(document.getElementById(id))])
                .filter(([, c]) => c && c.getOption().tooltip)
                .map(([id, c]) => [id, c.getOption().tooltip[0].formatter(p)])
                .filter(([, html]) => html.includes('<img'))
                .map(([id]) => id);
            }
            """);
        Assert.Empty(leaked);

        // And the FIRE run shows its evaluators, their curves and assignments
        await page.Locator(".runs tbody tr:has(td:text-is('fire'))").ClickAsync();
        await page.Locator("#fire-panel").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Visible, Timeout = 5_000 });
        Assert.Equal(MethodsExperiment.FireEvaluators, await page.Locator("#evaluators tbody tr").CountAsync());
        var fire = await page.EvaluateAsync<int[]>(
            "() => echarts.getInstanceByDom(document.getElementById('fire-evaluators')).getOption().series.filter(s => s.id !== 'successes').map(s => s.data.length)");
        Assert.Equal(MethodsExperiment.FireEvaluators, fire.Length);
        Assert.All(fire, n => Assert.True(n > 0, "an evaluator's curve is empty"));
        Assert.True(await page.Locator("#ga-panel").IsHiddenAsync());
        await ScreenshotAsync(page, "dashboard-fire.png");

        // And the GA run shows the best member's family tree and its breedings
        await page.Locator(".runs tbody tr:has(td:text-is('ga'))").ClickAsync();
        await page.Locator("#ga-panel").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Visible, Timeout = 5_000 });
        await page.WaitForFunctionAsync("() => Number(document.getElementById('family').dataset.nodes) > 1", null, Wait(10_000));
        var family = await page.EvaluateAsync<int[]>(
            "() => { const o = echarts.getInstanceByDom(document.getElementById('family')).getOption().series[0]; return [o.data.length, o.links.length, o.links.filter(l => l.role === 'weights').length]; }");
        Assert.True(family[0] > 1 && family[1] >= 2 && family[2] >= 1, $"family tree: {family[0]} individuals, {family[1]} edges, {family[2]} weights edges");
        Assert.True(await page.Locator("#breedings tbody tr").CountAsync() > 0);
        Assert.True(await page.Locator("#fire-panel").IsHiddenAsync());
        await ScreenshotAsync(page, "dashboard-ga.png");

        Assert.Equal("methods <img src=x onerror=alert(1)>", await page.Locator(".experiment-title").First.TextContentAsync());
        Assert.Empty(dialogs);
        Assert.Empty(errors);
    }

    private static PageWaitForFunctionOptions Wait(int milliseconds) => new() { Timeout = milliseconds, PollingInterval = 50 };

    private static async Task ScreenshotAsync(IPage page, string name)
    {
        if (Environment.GetEnvironmentVariable("COHORT_DASHBOARD_SCREENSHOTS") is { Length: > 0 } directory)
        {
            Directory.CreateDirectory(directory);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = System.IO.Path.Combine(directory, name), FullPage = true });
        }
    }
}

/// <summary>Debian's chromium (or Chrome), found on the PATH; null when none is installed.</summary>
internal static class Chromium
{
    public static string? Path { get; } = Find();

    public static string SkipReason =>
        "No Chromium found (looked for chromium, chromium-browser, google-chrome on PATH); install Debian's chromium (.ci/run does) to run the dashboard's browser test.";

    private static string? Find() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .SelectMany(dir => new[] { "chromium", "chromium-browser", "google-chrome" }.Select(name => System.IO.Path.Combine(dir, name)))
            .FirstOrDefault(File.Exists);
}

/// <summary>A fact that is skipped, with the reason, where no Chromium is installed.</summary>
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

/// <summary>A headless Chromium page, 1400 × 1000, that records the dialogs it opened and the script errors it raised.</summary>
internal sealed class BrowserPage : IAsyncDisposable
{
    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;

    private BrowserPage(IPlaywright playwright, IBrowser browser, IPage page)
    {
        _playwright = playwright;
        _browser = browser;
        Page = page;
        page.Dialog += (_, dialog) => Dialogs.Add(dialog.Message);
        page.PageError += (_, error) => Errors.Add(error);
    }

    public IPage Page { get; }

    public List<string> Dialogs { get; } = [];

    public List<string> Errors { get; } = [];

    public static async Task<BrowserPage> OpenAsync()
    {
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = Chromium.Path, Headless = true });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 1000 } });
        return new BrowserPage(playwright, browser, page);
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }
}
