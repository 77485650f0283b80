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
