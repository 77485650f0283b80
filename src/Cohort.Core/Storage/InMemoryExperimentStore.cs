using Cohort.Core.Scheduling;

namespace Cohort.Core.Storage;

/// <summary>An <see cref="IExperimentStore"/> in memory: for tests and for library users who need no persistence.</summary>
public sealed class InMemoryExperimentStore(TimeProvider? time = null) : IExperimentStore
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, RunRecord> _runs = new(StringComparer.Ordinal);
    private readonly List<string> _runOrder = [];
    private readonly Dictionary<string, List<TaskResult>> _results = new(StringComparer.Ordinal);
    private readonly HashSet<(string Run, int Member, int Ordinal)> _recorded = [];
    private readonly List<StoredEvent> _events = [];
    private readonly Dictionary<(string Run, int Member), (string Owner, DateTimeOffset Expiry)> _leases = [];
    private readonly Dictionary<string, string> _metadata = new(StringComparer.Ordinal);

    public Task<RunRecord> CreateRunAsync(RunRecord run, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_runs.TryGetValue(run.Name, out var existing))
            {
                return Task.FromResult(existing);
            }

            _runs[run.Name] = run;
            _runOrder.Add(run.Name);
            _results[run.Name] = [];
            return Task.FromResult(run);
        }
    }

    public Task<IReadOnlyList<RunRecord>> GetRunsAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<RunRecord>>(_runOrder.Select(n => _runs[n]).ToList());
        }
    }

    public Task<bool> AppendAsync(string run, TaskResult result, IReadOnlyList<RunEvent> events, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var results = RunResults(run);
            if (!_recorded.Add((run, result.Task.Member, result.Task.Ordinal)))
            {
                return Task.FromResult(false);
            }

            results.Add(result);
            foreach (var e in events)
            {
                _events.Add(new StoredEvent(_events.Count + 1, run, e));
            }

            return Task.FromResult(true);
        }
    }

    public Task<int> AppendBatchAsync(string run, IReadOnlyList<ToldResult> told, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(told);
        lock (_gate)
        {
            var results = RunResults(run);
            var appended = 0;
            foreach (var t in told)
            {
                if (!_recorded.Add((run, t.Result.Task.Member, t.Result.Task.Ordinal)))
                {
                    continue;
                }

                results.Add(t.Result);
                foreach (var e in t.Events)
                {
                    _events.Add(new StoredEvent(_events.Count + 1, run, e));
                }

                appended++;
            }

            return Task.FromResult(appended);
        }
    }

    public Task<IReadOnlyList<TaskResult>> ReadResultsAsync(string run, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<TaskResult>>(RunResults(run).ToList());
        }
    }

    public Task<IReadOnlyList<StoredEvent>> ReadEventsAsync(string run, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<StoredEvent>>(_events.Where(e => e.Run == run).ToList());
        }
    }

    public Task FinishRunAsync(string run, RunStatus status, string? message, double wallSeconds, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _ = RunResults(run);
            _runs[run] = _runs[run] with { Status = status, Message = message, WallSeconds = wallSeconds };
            return Task.CompletedTask;
        }
    }

    public Task<bool> TryLeaseAsync(string run, int member, string owner, TimeSpan duration, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            if (_leases.TryGetValue((run, member), out var lease) && lease.Owner != owner && lease.Expiry > now)
            {
                return Task.FromResult(false);
            }

            _leases[(run, member)] = (owner, now + duration);
            return Task.FromResult(true);
        }
    }

    public Task ReleaseLeaseAsync(string run, int member, string owner, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_leases.TryGetValue((run, member), out var lease) && lease.Owner == owner)
            {
                _leases.Remove((run, member));
            }

            return Task.CompletedTask;
        }
    }

    public Task SetMetadataAsync(string key, string value, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _metadata[key] = value;
            return Task.CompletedTask;
        }
    }

    public Task<string?> GetMetadataAsync(string key, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_metadata.TryGetValue(key, out var v) ? v : null);
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private List<TaskResult> RunResults(string run) =>
        _results.TryGetValue(run, out var list) ? list : throw new KeyNotFoundException($"Run '{run}' does not exist.");
}
