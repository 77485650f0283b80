using System.Diagnostics;
using Cohort.Core.Execution;
using Cohort.Core.Scheduling;
using Cohort.Core.Storage;
using Cohort.Core.Strategies;
using Cohort.Storage.Sqlite;

namespace Cohort.Benchmarks;

/// <summary>What appending one PBT run's results to the SQLite store costs, per result (issue 12's commit path).</summary>
/// <param name="Results">Results appended per repeat.</param>
/// <param name="Batches">Group commits they came in (as the runner cut them).</param>
/// <param name="MicrosecondsPerResult">The fastest repeat's wall time of every <c>AppendBatchAsync</c>, per result.</param>
/// <param name="MedianMicrosecondsPerResult">The median repeat's.</param>
/// <param name="CpuMicrosecondsPerResult">The process's CPU time over the median repeat's appends, per result: less sensitive to a busy machine.</param>
public sealed record StoreAppendResult(int Results, int Batches, double MicrosecondsPerResult, double MedianMicrosecondsPerResult, double CpuMicrosecondsPerResult);

/// <summary>
/// Runs <see cref="BookkeepingBench"/>'s boston-pbt36 case once in memory, keeping the batches the runner commits, then
/// appends them to fresh SQLite stores <c>repeats</c> times, timing only the appends: the store's cost per result on one
/// thread, free of the training it competes with in a real run.
/// </summary>
public static class StoreAppendBench
{
    public static async Task<StoreAppendResult> RunAsync(string? dataDirectory, int repeats)
    {
        var capture = new CapturingStore();
        await BookkeepingBench.RunCaseAsync(dataDirectory, "boston-pbt36", capture).ConfigureAwait(false);
        var batches = capture.Batches;
        var results = batches.Sum(b => b.Count);
        var perResult = new List<double>();
        var cpuPerResult = new List<double>();
        using var process = Process.GetCurrentProcess();
        for (var r = 0; r < repeats; r++)
        {
            var directory = Path.Combine(Path.GetTempPath(), "cohort-append-" + Guid.NewGuid().ToString("N"));
            try
            {
                await using var store = await SqliteExperimentStore.OpenAsync(Path.Combine(directory, "cohort.db")).ConfigureAwait(false);
                await store.CreateRunAsync(new RunRecord("boston-pbt36", "pbt", "{}"), CancellationToken.None).ConfigureAwait(false);
                var elapsed = 0L;
                process.Refresh();
                var cpu = process.TotalProcessorTime;
                foreach (var batch in batches)
                {
                    var start = Stopwatch.GetTimestamp();
                    await store.AppendBatchAsync("boston-pbt36", batch, CancellationToken.None).ConfigureAwait(false);
                    elapsed += Stopwatch.GetTimestamp() - start;
                }

                process.Refresh();
                cpuPerResult.Add((process.TotalProcessorTime - cpu).TotalMicroseconds / results);
                perResult.Add(Stopwatch.GetElapsedTime(0, elapsed).TotalMicroseconds / results);
            }
            finally
            {
                if (Directory.Exists(directory))
                {
                    Directory.Delete(directory, recursive: true);
                }
            }
        }

        perResult.Sort();
        cpuPerResult.Sort();
        return new StoreAppendResult(results, batches.Count, perResult[0], perResult[perResult.Count / 2], cpuPerResult[cpuPerResult.Count / 2]);
    }

    /// <summary>The in-memory store, keeping a copy of every batch appended.</summary>
    private sealed class CapturingStore : IExperimentStore
    {
        private readonly InMemoryExperimentStore _inner = new();

        public List<IReadOnlyList<ToldResult>> Batches { get; } = [];

        public Task<RunRecord> CreateRunAsync(RunRecord run, CancellationToken cancellationToken) => _inner.CreateRunAsync(run, cancellationToken);

        public Task<IReadOnlyList<RunRecord>> GetRunsAsync(CancellationToken cancellationToken) => _inner.GetRunsAsync(cancellationToken);

        public Task<bool> AppendAsync(string run, TaskResult result, IReadOnlyList<RunEvent> events, CancellationToken cancellationToken) =>
            _inner.AppendAsync(run, result, events, cancellationToken);

        public Task<int> AppendBatchAsync(string run, IReadOnlyList<ToldResult> told, CancellationToken cancellationToken)
        {
            lock (Batches)
            {
                Batches.Add(told.ToList());
            }

            return _inner.AppendBatchAsync(run, told, cancellationToken);
        }

        public Task<IReadOnlyList<TaskResult>> ReadResultsAsync(string run, CancellationToken cancellationToken) => _inner.ReadResultsAsync(run, cancellationToken);

        public Task<IReadOnlyList<StoredEvent>> ReadEventsAsync(string run, CancellationToken cancellationToken) => _inner.ReadEventsAsync(run, cancellationToken);

        public Task FinishRunAsync(string run, RunStatus status, string? message, double wallSeconds, CancellationToken cancellationToken) =>
            _inner.FinishRunAsync(run, status, message, wallSeconds, cancellationToken);

        public Task<bool> TryLeaseAsync(string run, int member, string owner, TimeSpan duration, CancellationToken cancellationToken) =>
            _inner.TryLeaseAsync(run, member, owner, duration, cancellationToken);

        public Task ReleaseLeaseAsync(string run, int member, string owner, CancellationToken cancellationToken) =>
            _inner.ReleaseLeaseAsync(run, member, owner, cancellationToken);

        public Task SetMetadataAsync(string key, string value, CancellationToken cancellationToken) => _inner.SetMetadataAsync(key, value, cancellationToken);

        public Task<string?> GetMetadataAsync(string key, CancellationToken cancellationToken) => _inner.GetMetadataAsync(key, cancellationToken);

        public ValueTask DisposeAsync() => _inner.DisposeAsync();
    }
}
