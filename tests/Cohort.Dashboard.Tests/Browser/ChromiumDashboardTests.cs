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
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = Chromium.Path, Headless = true });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 1000 } });
        var dialogs = new List<string>();
        page.Dialog += (_, dialog) => dialogs.Add(dialog.Message);
        var errors = new List<string>();
        page.PageError += (_, error) => errors.Add(error);

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

        // And clicking member 3 in the table opens its lineage: the exploit of member 0 with the weights' hash
        await page.Locator("#members tbody tr:has(td:first-child:text-is('3'))").ClickAsync();
        await page.Locator("#lineage-panel").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Visible, Timeout = 5_000 });
        Assert.Equal("3 of pbt", await page.Locator("#lineage-member").TextContentAsync());
        Assert.Equal(experiment.ExploitHash, await page.Locator("#exploits td.hash").First.TextContentAsync());
        await ScreenshotAsync(page, "dashboard-lineage.png");

        // And the experiment's name renders as text: no script ran, no dialog opened
        Assert.Equal("live <script>alert(1)</script>", await page.Locator(".experiment-title").First.TextContentAsync());
        Assert.Empty(dialogs);
        Assert.Empty(errors);
    }

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
