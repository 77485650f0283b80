using System.Net;
using System.Text.Json;

namespace Cohort.Dashboard.Tests;

public sealed class DashboardServerTests
{
    [Fact]
    public async Task Experiments_Should_EscapeMarkup_When_TheExperimentIsNamedLikeAScript()
    {
        // Given an experiment named like an attack
        const string Name = "<script>alert(1)</script>";
        await using var experiment = await TestExperiment.CreateAsync(Name);
        await experiment.AppendGenerationAsync();
        await using var server = await StartAsync(experiment);
        using var client = new HttpClient { BaseAddress = server.Address };

        // When the page asks for the experiments and loads itself
        var json = await client.GetStringAsync("api/experiments");
        var page = await client.GetStringAsync("/");

        // Then the name arrives intact as JSON data with every '<' escaped, and the page itself carries no store text
        Assert.DoesNotContain("<script>", json, StringComparison.Ordinal);
        Assert.Contains("\\u003Cscript\\u003E", json, StringComparison.Ordinal);
        using var document = JsonDocument.Parse(json);
        Assert.Equal(Name, document.RootElement[0].GetProperty("title").GetString());
        Assert.DoesNotContain("alert", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Page_Should_BeServedFromTheAssembly_When_NoNetworkIsReachable()
    {
        await using var experiment = await TestExperiment.CreateAsync();
        await using var server = await StartAsync(experiment);
        using var client = new HttpClient { BaseAddress = server.Address };

        // When
        using var page = await client.GetAsync("/");
        var html = await page.Content.ReadAsStringAsync();
        var echarts = await client.GetByteArrayAsync("echarts.min.js");
        var app = await client.GetStringAsync("app.js");

        // Then the page, its script and the pinned library come from this server; no script may come from elsewhere
        Assert.Equal("text/html", page.Content.Headers.ContentType!.MediaType);
        Assert.Contains("<script src=\"echarts.min.js\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("//cdn", html, StringComparison.OrdinalIgnoreCase);
        Assert.True(echarts.Length > 500_000, $"echarts.min.js has {echarts.Length} bytes");
        Assert.Contains("EventSource", app, StringComparison.Ordinal);
        Assert.Contains("script-src 'self'", string.Join(";", page.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Server_Should_AnswerOnlyReads_When_AskedToChangeAnything()
    {
        await using var experiment = await TestExperiment.CreateAsync();
        await experiment.AppendGenerationAsync();
        await using var server = await StartAsync(experiment);
        using var client = new HttpClient { BaseAddress = server.Address };

        using var post = await client.PostAsync("api/experiments", new StringContent("{}"));
        using var delete = await client.DeleteAsync("api/run?experiment=x&run=pbt");
        using var missing = await client.GetAsync("api/run?experiment=x&run=pbt");

        Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, delete.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        using var error = JsonDocument.Parse(await missing.Content.ReadAsStringAsync());
        Assert.Equal("No run 'pbt' in experiment 'x'.", error.RootElement.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Stream_Should_SendANewEvaluation_When_ItIsStored()
    {
        // Given a browser-like client on the event stream of a run in progress
        await using var experiment = await TestExperiment.CreateAsync();
        await experiment.AppendGenerationAsync();
        await using var server = await StartAsync(experiment);
        using var client = new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromSeconds(30) };
        var key = Path.GetFileName(experiment.Directory);
        await using var stream = await client.GetStreamAsync($"api/stream?experiment={Uri.EscapeDataString(key)}");
        using var reader = new StreamReader(stream);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));

        // When: the catch-up carries the stored generation (ids 1..4); then a generation is stored
        var first = await NextEvaluationsAsync(reader, timeout.Token);
        await experiment.AppendGenerationAsync();
        var next = await NextEvaluationsAsync(reader, timeout.Token);

        // Then the stream sends exactly the new rows, with the cursor as the event id
        Assert.Equal([1L, 2L, 3L, 4L], first.Ids);
        Assert.Equal(4L, first.EventId);
        Assert.Equal([5L, 6L, 7L, 8L], next.Ids);
        Assert.Equal(8L, next.EventId);
    }

    [Fact]
    public async Task Stream_Should_SendEverythingStoredBefore_When_ABrowserConnectsLate()
    {
        // Given a dashboard that followed a run with no browser attached (it keeps what it reads compact and builds no
        // view until a page asks): three generations, with member 3's exploit of member 0
        await using var experiment = await TestExperiment.CreateAsync();
        await using var server = await StartAsync(experiment);
        var key = Path.GetFileName(experiment.Directory);
        for (var g = 0; g < 3; g++)
        {
            await experiment.AppendGenerationAsync();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (server.Feed.RunData(key, TestExperiment.Run)!.Evaluations.Count < 3 * TestExperiment.Population)
        {
            await Task.Delay(50, timeout.Token);
        }

        // When a browser connects afterwards
        using var client = new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromSeconds(30) };
        await using var stream = await client.GetStreamAsync($"api/stream?experiment={Uri.EscapeDataString(key)}");
        using var reader = new StreamReader(stream);
        var events = await NextEventsAsync(reader, ["decisions", "evaluations"], timeout.Token);

        // Then its catch-up carries every stored evaluation, with its values, and the exploit with its checkpoint's hash
        var evaluations = events["evaluations"].EnumerateArray().ToArray();
        Assert.Equal(Enumerable.Range(1, 12).Select(i => (long)i), evaluations.Select(e => e.GetProperty("id").GetInt64()));
        var last = evaluations[^1];
        Assert.Equal((3, 40L, 60L, "completed"), (last.GetProperty("member").GetInt32(), last.GetProperty("start").GetInt64(), last.GetProperty("step").GetInt64(), last.GetProperty("outcome").GetString()));
        Assert.Equal((1.0 / 3) + 0.3, last.GetProperty("value").GetDouble(), 12);
        Assert.Equal(0.0012, last.GetProperty("hyperparameters").GetProperty("lr").GetDouble(), 12);
        var exploit = Assert.Single(events["decisions"].EnumerateArray());
        Assert.Equal(("exploit", 3, 0), (exploit.GetProperty("kind").GetString(), exploit.GetProperty("member").GetInt32(), exploit.GetProperty("from").GetInt32()));
        Assert.Equal(experiment.ExploitHash, exploit.GetProperty("hash").GetString());
    }

    [Fact]
    public async Task StartAsync_Should_RefuseBadOptions_When_TheSourceOrHostIsWrong()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => DashboardServer.StartAsync(new DashboardOptions(), CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => DashboardServer.StartAsync(new DashboardOptions { Directory = ".", Host = "example.org" }, CancellationToken.None));
        await Assert.ThrowsAsync<DirectoryNotFoundException>(() => DashboardServer.StartAsync(new DashboardOptions { Directory = Path.Combine(Path.GetTempPath(), "no-such-cohort-dir") }, CancellationToken.None));
        Assert.True(DashboardServer.IsLoopback("127.0.0.1"));
        Assert.True(DashboardServer.IsLoopback("localhost"));
        Assert.False(DashboardServer.IsLoopback("0.0.0.0"));
    }

    internal static Task<DashboardServer> StartAsync(TestExperiment experiment) =>
        DashboardServer.StartAsync(new DashboardOptions { Directory = experiment.Directory, Port = 0 }, CancellationToken.None);

    /// <summary>Reads server-sent events until one of each name in <paramref name="names"/> has come; returns their data.</summary>
    private static async Task<Dictionary<string, JsonElement>> NextEventsAsync(StreamReader reader, IReadOnlyList<string> names, CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        string? name = null;
        while (found.Count < names.Count && await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                name = line[7..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal) && name is not null && names.Contains(name) && !found.ContainsKey(name))
            {
                using var document = JsonDocument.Parse(line[6..]);
                found[name] = document.RootElement.Clone();
            }
        }

        return found.Count == names.Count ? found : throw new EndOfStreamException("the stream ended");
    }

    /// <summary>Reads server-sent events until an <c>evaluations</c> event; returns its ids and its event id.</summary>
    private static async Task<(long[] Ids, long EventId)> NextEvaluationsAsync(StreamReader reader, CancellationToken cancellationToken)
    {
        string? name = null;
        long id = 0;
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                name = line[7..];
            }
            else if (line.StartsWith("id: ", StringComparison.Ordinal))
            {
                id = long.Parse(line[4..], System.Globalization.CultureInfo.InvariantCulture);
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal) && name == "evaluations")
            {
                using var document = JsonDocument.Parse(line[6..]);
                return (document.RootElement.EnumerateArray().Select(e => e.GetProperty("id").GetInt64()).ToArray(), id);
            }
        }

        throw new EndOfStreamException("the stream ended");
    }
}
