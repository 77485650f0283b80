using System.Globalization;
using System.Net;
using System.Text.Json;
using Cohort.Core.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Cohort.Dashboard;

/// <summary>What <see cref="DashboardServer"/> serves and where.</summary>
public sealed record DashboardOptions
{
    /// <summary>An experiment directory (holding <c>cohort.db</c>) or a directory of them; null when <see cref="Storage"/> is given.</summary>
    public string? Directory { get; init; }

    /// <summary>A PostgreSQL connection string (<c>postgresql://…</c>); null when <see cref="Directory"/> is given.</summary>
    public string? Storage { get; init; }

    /// <summary>The address to bind: 127.0.0.1 by default (this machine only).</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>The port; 0 picks a free one.</summary>
    public int Port { get; init; } = 8080;

    /// <summary>How often the store is polled for new rows while a page follows it.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How often the store is polled while no page is open (the read model stays this fresh for the next one).</summary>
    public TimeSpan IdlePollInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The clock polls wait on; the system clock by default.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;
}

/// <summary>
/// <c>cohort dashboard</c>: a read-only web page that follows an experiment store live (docs/dashboard.md). Serves one
/// page (HTML, JavaScript and the pinned charting library, embedded in this assembly: no CDN), JSON views of the store,
/// and a server-sent-event stream of new evaluations. Only GET requests are answered; nothing is written to the store;
/// the connection string never reaches the browser (only its masked form).
/// </summary>
public sealed class DashboardServer : IAsyncDisposable
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);
    private static readonly Dictionary<string, string> s_assets = new(StringComparer.Ordinal)
    {
        ["/"] = "wwwroot/index.html",
        ["/app.js"] = "wwwroot/app.js",
        ["/app.css"] = "wwwroot/app.css",
        ["/echarts.min.js"] = "wwwroot/echarts-6.1.0.min.js",
    };

    private readonly WebApplication _app;
    private readonly DashboardStore _store;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _poller;
    private string? _lastError;

    private DashboardServer(WebApplication app, DashboardStore store, DashboardFeed feed, DashboardOptions options)
    {
        _app = app;
        _store = store;
        Feed = feed;
        _poller = PollLoopAsync(options, _stop.Token);
    }

    /// <summary>Where the page is served (the actual port when 0 was asked for).</summary>
    public Uri Address { get; private set; } = null!;

    /// <summary>The source as the page shows it: a directory, or the connection string with its secrets masked.</summary>
    public string Source => _store.Display;

    internal DashboardFeed Feed { get; }

    /// <summary>True when <paramref name="host"/> reaches only this machine.</summary>
    public static bool IsLoopback(string host) =>
        string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip));

    /// <summary>Opens the store, reads it once, and starts serving.</summary>
    /// <exception cref="ArgumentException">Neither or both of a directory and a storage; a host that is not an IP address or <c>localhost</c>; a bad port.</exception>
    /// <exception cref="DirectoryNotFoundException">The directory holds no experiment.</exception>
    public static async Task<DashboardServer> StartAsync(DashboardOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        if ((options.Directory is null) == (options.Storage is null))
        {
            throw new ArgumentException("Give either an experiment directory or a PostgreSQL storage, not both or neither.", nameof(options));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(options.Port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.Port, 65535);
        if (!IsLoopback(options.Host) && !IPAddress.TryParse(options.Host, out _))
        {
            throw new ArgumentException($"--host {options.Host} is not an IP address (e.g. 127.0.0.1 or 0.0.0.0) or localhost.", nameof(options));
        }

        var store = options.Directory is not null ? DashboardStore.OpenDirectory(options.Directory) : DashboardStore.OpenPostgres(options.Storage!);
        try
        {
            var feed = new DashboardFeed(store, options.Time);
            await feed.PollAsync(cancellationToken).ConfigureAwait(false); // a bad store fails here, before anything is served

            var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
            {
                ApplicationName = typeof(DashboardServer).Assembly.GetName().Name,

                // Not the working directory: the host watches its content root for configuration changes, and a run
                // writing under the working directory would wake that watcher on every write. The page's files are
                // embedded; nothing is read from the content root.
                ContentRootPath = AppContext.BaseDirectory,
            });
            builder.Logging.ClearProviders();
            builder.Services.AddSingleton<IHostLifetime, EmbeddedLifetime>(); // Ctrl+C and SIGTERM belong to the caller (the CLI), not to the web host
            builder.WebHost.ConfigureKestrel(kestrel =>
            {
                if (string.Equals(options.Host, "localhost", StringComparison.OrdinalIgnoreCase))
                {
                    kestrel.Listen(IPAddress.Loopback, options.Port);
                }
                else
                {
                    kestrel.Listen(IPAddress.Parse(options.Host), options.Port);
                }
            });
            var app = builder.Build();
            var server = new DashboardServer(app, store, feed, options);
            server.Map();
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            var bound = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
            server.Address = new UriBuilder(bound) { Host = string.Equals(options.Host, "localhost", StringComparison.OrdinalIgnoreCase) ? "127.0.0.1" : options.Host }.Uri;
            return server;
        }
        catch
        {
            await store.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Stops polling and serving, and closes the store.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _poller.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        await _app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        await _store.DisposeAsync().ConfigureAwait(false);
        Feed.Dispose();
        _stop.Dispose();
    }

    private async Task PollLoopAsync(DashboardOptions options, CancellationToken cancellationToken)
    {
        await Task.Yield();
        while (!cancellationToken.IsCancellationRequested)
        {
            var interval = Feed.Subscribers > 0 ? options.PollInterval : options.IdlePollInterval;
            await Task.Delay(interval, options.Time, cancellationToken).ConfigureAwait(false);
            try
            {
                await Feed.PollAsync(cancellationToken).ConfigureAwait(false);
                _lastError = null;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A busy or briefly unreachable store: keep what was read, say so on the page, try again next poll.
                _lastError = SecretMasker.Mask(ex.Message);
            }
        }
    }

    private void Map()
    {
        _app.Use(async (context, next) =>
        {
            var headers = context.Response.Headers;
            headers["X-Content-Type-Options"] = "nosniff";
            headers["Content-Security-Policy"] = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'";
            headers["Referrer-Policy"] = "no-referrer";
            await next(context).ConfigureAwait(false);
        });

        foreach (var (path, resource) in s_assets)
        {
            _app.MapGet(path, () => Asset(resource));
        }

        _app.MapGet("/api/source", () => Results.Json(new { source = Source, error = _lastError }, s_json));
        _app.MapGet("/api/experiments", () => Results.Json(Feed.Experiments(), s_json));
        _app.MapGet("/api/run", (string experiment, string run) =>
            Feed.RunData(experiment, run) is { } data ? Results.Json(data, s_json) : NotFound($"No run '{run}' in experiment '{experiment}'."));
        _app.MapGet("/api/lineage", async (string experiment, string run, int member, CancellationToken cancellationToken) =>
            await Feed.LineageAsync(experiment, run, member, cancellationToken).ConfigureAwait(false) is { } lineage
                ? Results.Json(lineage, s_json)
                : NotFound(string.Create(CultureInfo.InvariantCulture, $"No member {member} in run '{run}' of experiment '{experiment}'.")));
        _app.MapGet("/api/best", async (string experiment, string run, CancellationToken cancellationToken) =>
            await Feed.BestLineageAsync(experiment, run, cancellationToken).ConfigureAwait(false) is { } lineage
                ? Results.Json(lineage, s_json)
                : NotFound($"No member of run '{run}' in experiment '{experiment}' has a score yet."));
        _app.MapGet("/api/stream", (HttpContext context, string experiment, long? after) => StreamAsync(context, experiment, after));
    }

    private static IResult NotFound(string message) => Results.Json(new { error = message }, s_json, statusCode: StatusCodes.Status404NotFound);

    private static IResult Asset(string resource)
    {
        using var stream = typeof(DashboardServer).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"Embedded resource {resource} is missing from {typeof(DashboardServer).Assembly.GetName().Name}.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        var type = Path.GetExtension(resource) switch
        {
            ".html" => "text/html; charset=utf-8",
            ".js" => "text/javascript; charset=utf-8",
            ".css" => "text/css; charset=utf-8",
            _ => "application/octet-stream",
        };
        return Results.Bytes(copy.ToArray(), type);
    }

    /// <summary>
    /// Server-sent events for one experiment: first the evaluations stored after <paramref name="after"/> (or the
    /// <c>Last-Event-ID</c> a reconnecting browser sends) and the run's decisions (<c>decisions</c>: exploits, breedings,
    /// FIRE's sub-populations and evaluators), then each new batch as the feed reads it, and the runs' progress
    /// (<c>experiments</c>) after each batch and at least every 2 s. Each <c>evaluations</c> event's id is the largest
    /// result id it carries, so a reconnect resumes where it stopped; decisions are few and are sent again in full on a
    /// reconnect (the page drops duplicates by id).
    /// </summary>
    private async Task StreamAsync(HttpContext context, string experiment, long? after)
    {
        var response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        var cancellationToken = context.RequestAborted;
        var reader = Feed.Subscribe(); // before the catch-up: nothing read in between is missed (the page drops duplicates by id)
        try
        {
            var since = after ?? (long.TryParse(context.Request.Headers["Last-Event-ID"], NumberStyles.Integer, CultureInfo.InvariantCulture, out var last) ? last : 0);
            await SendDecisionsAsync(response, Feed.DecisionsAfter(experiment, 0), cancellationToken).ConfigureAwait(false);
            await SendEvaluationsAsync(response, Feed.EvaluationsAfter(experiment, since), cancellationToken).ConfigureAwait(false);
            await SendAsync(response, "experiments", null, Feed.Experiments(), cancellationToken).ConfigureAwait(false);
            while (!cancellationToken.IsCancellationRequested)
            {
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                wait.CancelAfter(TimeSpan.FromSeconds(2));
                try
                {
                    await reader.WaitToReadAsync(wait.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                }

                var rows = new List<EvaluationView>();
                var decisions = new List<DecisionView>();
                while (reader.TryRead(out var batch))
                {
                    if (string.Equals(batch.Experiment, experiment, StringComparison.Ordinal))
                    {
                        rows.AddRange(batch.Evaluations);
                        decisions.AddRange(batch.Decisions);
                    }
                }

                await SendDecisionsAsync(response, decisions, cancellationToken).ConfigureAwait(false);
                await SendEvaluationsAsync(response, rows, cancellationToken).ConfigureAwait(false);
                await SendAsync(response, "experiments", null, Feed.Experiments(), cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // the browser went away
        }
        finally
        {
            Feed.Unsubscribe(reader);
        }
    }

    private static Task SendEvaluationsAsync(HttpResponse response, IReadOnlyList<EvaluationView> rows, CancellationToken cancellationToken) =>
        rows.Count == 0 ? Task.CompletedTask : SendAsync(response, "evaluations", rows.Max(r => r.Id), rows, cancellationToken);

    private static Task SendDecisionsAsync(HttpResponse response, IReadOnlyList<DecisionView> decisions, CancellationToken cancellationToken) =>
        decisions.Count == 0 ? Task.CompletedTask : SendAsync(response, "decisions", null, decisions, cancellationToken);

    private static async Task SendAsync<T>(HttpResponse response, string name, long? id, T data, CancellationToken cancellationToken)
    {
        var json = JsonSerializer.Serialize(data, s_json); // one line: JSON escapes every newline
        var text = id is { } i
            ? string.Create(CultureInfo.InvariantCulture, $"event: {name}\nid: {i}\ndata: {json}\n\n")
            : $"event: {name}\ndata: {json}\n\n";
        await response.WriteAsync(text, cancellationToken).ConfigureAwait(false);
        await response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A host lifetime that leaves process signals alone: the default one would take Ctrl+C and SIGTERM, stop only the
    /// web host, and leave the process that embeds it waiting. The server stops when it is disposed.
    /// </summary>
    private sealed class EmbeddedLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
