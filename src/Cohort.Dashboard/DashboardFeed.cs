using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Threading.Channels;
using Cohort.Core.Hyperparameters;
using Cohort.Core.Lineage;
using Cohort.Core.Scheduling;
using Cohort.Core.Storage;
using Cohort.Core.Storage.Serialization;

namespace Cohort.Dashboard;

/// <summary>New evaluations and decisions of one experiment, as the stream sends them.</summary>
internal sealed record FeedBatch(string Experiment, IReadOnlyList<EvaluationView> Evaluations, IReadOnlyList<DecisionView> Decisions);

/// <summary>
/// The dashboard's read model: follows the store with a cursor per table and experiment (<see cref="PollAsync"/> reads
/// only rows it has not read; nothing is ever re-read), keeps what it read in memory, compact (an evaluation is a
/// struct in a <see cref="ChunkedList{T}"/>, an exploit too, hyperparameters a shared <see cref="FlatHyperparameters"/>),
/// and hands new evaluations to every subscribed stream. Views are projections of what it holds, built when a page asks
/// (a stream's catch-up, <see cref="RunData"/>) or for the streams open when rows arrive: with no page open, following
/// builds none. The lineage is <see cref="RunLineage"/>'s. Thread-safe: one poller writes, request threads read under
/// the same lock.
/// </summary>
internal sealed class DashboardFeed(DashboardStore store, TimeProvider time) : IDisposable
{
    private const int PageSize = 5000;

    private readonly Lock _lock = new();
    private readonly Dictionary<string, ExperimentState> _experiments = new(StringComparer.Ordinal);
    private readonly List<Channel<FeedBatch>> _subscribers = [];
    private readonly SemaphoreSlim _lineageGate = new(1, 1); // one lineage load at a time: each row is read once

    // The rows one poll reads, reused by the next (polls run one at a time): following a run does not allocate them anew.
    private readonly List<ResultRow> _results = [];
    private readonly List<EventRow> _events = [];
    private int _polls;

    /// <summary>
    /// Reads what was stored since the last poll and publishes new evaluations. Returns how many rows it read. One poll
    /// at a time (the server's poll loop).
    /// </summary>
    public async Task<int> PollAsync(CancellationToken cancellationToken)
    {
        // New experiments appear rarely: look for them on the first poll and then every 20th.
        if (_polls++ % 20 == 0)
        {
            foreach (var name in await store.ExperimentsAsync(cancellationToken).ConfigureAwait(false))
            {
                lock (_lock)
                {
                    _experiments.TryAdd(name, new ExperimentState(name, store.Settle));
                }
            }
        }

        ExperimentState[] experiments;
        lock (_lock)
        {
            experiments = [.. _experiments.Values];
        }

        var read = 0;
        foreach (var experiment in experiments)
        {
            read += await PollExperimentAsync(experiment, cancellationToken).ConfigureAwait(false);
        }

        return read;
    }

    public void Dispose() => _lineageGate.Dispose();

    /// <summary>Subscribes to new evaluations; complete the subscription by calling <see cref="Unsubscribe"/>.</summary>
    public ChannelReader<FeedBatch> Subscribe()
    {
        var channel = Channel.CreateBounded<FeedBatch>(new BoundedChannelOptions(1000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        lock (_lock)
        {
            _subscribers.Add(channel);
        }

        return channel.Reader;
    }

    public void Unsubscribe(ChannelReader<FeedBatch> reader)
    {
        lock (_lock)
        {
            _subscribers.RemoveAll(c => c.Reader == reader);
        }
    }

    /// <summary>How many streams are open.</summary>
    public int Subscribers
    {
        get
        {
            lock (_lock)
            {
                return _subscribers.Count;
            }
        }
    }

    public IReadOnlyList<ExperimentView> Experiments()
    {
        lock (_lock)
        {
            var now = time.GetTimestamp();
            return _experiments.Values.Where(e => e.Spec is not null).Select(e => e.View(now, time)).ToArray();
        }
    }

    /// <summary>The run's evaluations with an id above <paramref name="after"/>; null when there is no such experiment or run.</summary>
    public RunDataView? RunData(string experiment, string run, long after = 0)
    {
        lock (_lock)
        {
            if (!_experiments.TryGetValue(experiment, out var e) || e.Spec is null || !e.Spec.Runs.ContainsKey(run))
            {
                return null;
            }

            var rows = e.Runs.TryGetValue(run, out var r) ? r.EvaluationsAfter(after).ToArray() : [];
            return new RunDataView(experiment, run, rows);
        }
    }

    /// <summary>Every evaluation of <paramref name="experiment"/> with an id above <paramref name="after"/> (a stream's catch-up).</summary>
    public IReadOnlyList<EvaluationView> EvaluationsAfter(string experiment, long after)
    {
        lock (_lock)
        {
            return _experiments.TryGetValue(experiment, out var e)
                ? e.Runs.Values.SelectMany(r => r.EvaluationsAfter(after)).OrderBy(v => v.Id).ToArray()
                : [];
        }
    }

    /// <summary>Every decision of <paramref name="experiment"/> with an id above <paramref name="after"/> (a stream's catch-up).</summary>
    public IReadOnlyList<DecisionView> DecisionsAfter(string experiment, long after)
    {
        lock (_lock)
        {
            return _experiments.TryGetValue(experiment, out var e)
                ? e.Runs.Values.SelectMany(r => r.DecisionsAfter(after)).OrderBy(v => v.Id).ToArray()
                : [];
        }
    }

    /// <summary>The member's lineage; null when the experiment, run or member is unknown.</summary>
    public Task<LineageView?> LineageAsync(string experiment, string run, int member, CancellationToken cancellationToken) =>
        ProjectAsync(experiment, run, lineage => lineage.Members.Contains(member) ? member : null, cancellationToken);

    /// <summary>
    /// The lineage of the member whose final weights score best (<see cref="RunLineage.BestMember"/>, as summary.json's
    /// <c>best</c>; FIRE's evaluators left out); null when the run is unknown or no member has a finite score yet.
    /// </summary>
    public Task<LineageView?> BestLineageAsync(string experiment, string run, CancellationToken cancellationToken) =>
        ProjectAsync(experiment, run, lineage => lineage.BestMember(), cancellationToken);

    /// <summary>
    /// Projects one member of the run with <see cref="RunLineage"/> (Core's projection, as the report's). Following a
    /// run keeps only what the live views draw; the whole rows a lineage needs are read from the store when a lineage
    /// is first asked for, then only the rows the feed has read since (each row once), and kept. The projection is
    /// built at most once per change of the run (a page following a run asks again after each batch).
    /// </summary>
    private async Task<LineageView?> ProjectAsync(string experiment, string run, Func<RunLineage, int?> choose, CancellationToken cancellationToken)
    {
        ExperimentState? e;
        RunState? r;
        Objective objective;
        lock (_lock)
        {
            if (!_experiments.TryGetValue(experiment, out e) || e.Spec is null || !e.Runs.TryGetValue(run, out r))
            {
                return null;
            }

            objective = e.Spec.Objective;
        }

        RunLineage lineage;
        await _lineageGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            long[] resultIds, eventIds;
            lock (_lock)
            {
                (resultIds, eventIds) = r.Unloaded();
            }

            var results = await store.ResultsOfRunAsync(e.Name, run, resultIds, cancellationToken).ConfigureAwait(false);
            var events = await store.EventsOfRunAsync(e.Name, run, eventIds, cancellationToken).ConfigureAwait(false);
            lock (_lock)
            {
                r.Loaded(resultIds.Length, results, eventIds.Length, events);
                lineage = r.Lineage(objective);
            }
        }
        finally
        {
            _lineageGate.Release();
        }

        if (choose(lineage) is not { } member)
        {
            return null;
        }

        var finished = lineage.Finished(member);
        var final = lineage.FinalResult(member);
        FamilyView? family = null;
        if (lineage.Events.Any(x => x is Bred))
        {
            var (nodes, edges) = FamilyTree.Build(lineage.Events, member);
            var index = nodes.Select((n, i) => (n, i)).ToDictionary(x => x.n, x => x.i);
            family = new FamilyView(
                nodes.Select(n => new FamilyNodeView(n.Member, n.Step, n.BredIndex < 0, n.Depth)).ToArray(),
                edges.Select(x => new FamilyEdgeView(index[x.Child], index[x.Parent], x.Role switch { ParentRole.HyperparametersA => "a", ParentRole.HyperparametersB => "b", _ => "weights" })).ToArray());
        }

        return new LineageView(
            member,
            lineage.Ancestry(member),
            lineage.Exploits(member).Select(x => new ExploitView(x.Step, x.Donor, x.Checkpoint.Hash, x.Checkpoint.Step, Values(x.Before), Values(x.After))).ToArray(),
            lineage.Explores(member).Select(x => new ExploreView(x.Step, x.Operator, Values(x.Before), Values(x.After))).ToArray(),
            lineage.Schedule(member).Select(s => new ScheduleView(s.Step, Values(s.Hyperparameters))).ToArray(),
            finished is null ? null : $"{finished.Reason.ToString().ToLowerInvariant()} at step {finished.Step.ToString(CultureInfo.InvariantCulture)}{(finished.Message is null ? "" : ": " + finished.Message)}",
            final is null ? [] : lineage.Provenance(final.Checkpoint!, member).Select(t => new CheckpointView(t.Task.Member, t.Task.StartStep, t.Task.EndStep, t.Checkpoint!.Hash)).ToArray(),
            family,
            final is null ? null : Finite(final.Validation.TryGetValue(objective.Metric, out var v) ? v : double.NaN));
    }

    /// <summary>
    /// The decision the page draws for <paramref name="e"/> (read whole: breedings, FIRE's decisions; exploits are read
    /// by their columns in <see cref="DashboardStore.EventsAfterAsync"/>); null for events it does not draw.
    /// </summary>
    private static DecisionView? Decision(long id, string run, RunEvent e) => e switch
    {
        Bred b => new DecisionView(
            id, run, "bred", b.Member, b.Step, b.WeightsParent == Bred.NoWeightsParent ? null : b.WeightsParent, b.Checkpoint?.Hash, b.HyperparameterParentA, b.HyperparameterParentB, null, null, null, b.Operators),
        SubPopulationJoined j => new DecisionView(id, run, "sub-population", j.Member, j.Step, null, null, null, null, null, null, j.SubPopulation, null),
        EvaluatorStarted es => new DecisionView(id, run, "evaluator-started", es.Member, es.Step, es.Parent, es.Checkpoint.Hash, null, null, es.Parent, es.Target, null, null),
        EvaluatorSucceeded su => new DecisionView(
            id, run, "evaluator-succeeded", su.Member, su.Step, su.Evaluator, su.Checkpoint.Hash, null, null, su.Parent, su.Member, null,
            string.Create(CultureInfo.InvariantCulture, $"best_score_diff {su.BestScoreDiff:G4}, p {su.PValue:G3}")),
        EvaluatorStopped st => new DecisionView(id, run, "evaluator-stopped", st.Member, st.Step, null, null, null, null, st.Parent, st.Target, null, st.Reason),
        _ => null,
    };

    private async Task<int> PollExperimentAsync(ExperimentState experiment, CancellationToken cancellationToken)
    {
        if (experiment.Unreadable)
        {
            return 0;
        }

        if (experiment.Spec is null)
        {
            var json = await store.SpecJsonAsync(experiment.Name, cancellationToken).ConfigureAwait(false);
            if (json is null)
            {
                return 0;
            }

            StoredSpec spec;
            try
            {
                spec = StoredSpec.Parse(json);
            }
            catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
            {
                // Not a spec this dashboard can read (another tool's row, a newer format): leave the experiment out.
                lock (_lock)
                {
                    experiment.Unreadable = true;
                }

                return 0;
            }

            lock (_lock)
            {
                experiment.Spec = spec;
            }
        }

        var metric = experiment.Spec.Objective.Metric;
        var results = _results;
        var events = _events;
        await ReadAllAsync(experiment.ResultsCursor, (c, rows, ct) => store.ResultsAfterAsync(experiment.Name, c, PageSize, metric, rows, ct), r => r.Id, results, cancellationToken).ConfigureAwait(false);
        await ReadAllAsync(experiment.EventsCursor, (c, rows, ct) => store.EventsAfterAsync(experiment.Name, c, PageSize, rows, ct), r => r.Id, events, cancellationToken).ConfigureAwait(false);

        // The runs' status changes when a run starts or ends: read it with new rows, and every 8th poll otherwise.
        var runs = results.Count + events.Count > 0 || experiment.Polls++ % 8 == 0
            ? await store.RunsAsync(experiment.Name, cancellationToken).ConfigureAwait(false)
            : experiment.Records;

        List<EvaluationView> added = [];
        List<DecisionView> decided = [];
        Channel<FeedBatch>[] subscribers;
        lock (_lock)
        {
            // Views of the new rows are built only for open streams: with none, a row is kept compact and a page that
            // opens later reads it in its catch-up (EvaluationsAfter).
            subscribers = [.. _subscribers];
            var now = time.GetTimestamp();
            experiment.Records = runs;
            foreach (var row in events)
            {
                var run = experiment.Run(row.Run);
                run.EventIds.Add(row.Id);
                if (row.Exploit is { } exploit)
                {
                    var index = run.AddExploit(exploit);
                    if (subscribers.Length > 0)
                    {
                        decided.Add(run.ExploitView(index));
                    }
                }
                else if (row.Event is { } value && Decision(row.Id, run.Name, value) is { } decision)
                {
                    run.Decisions.Add(decision);
                    decided.Add(decision);
                }
            }

            RunState? last = null;
            foreach (var row in results)
            {
                if (!ReferenceEquals(last?.Name, row.Run))
                {
                    last = experiment.Run(row.Run);
                }

                var index = last.Add(row, experiment.Spec!);
                if (subscribers.Length > 0)
                {
                    added.Add(last.View(index));
                }
            }

            foreach (var run in experiment.Runs.Values)
            {
                run.MarkSeen(now);
            }
        }

        if (subscribers.Length > 0 && added.Count + decided.Count > 0)
        {
            var batch = new FeedBatch(experiment.Name, added, decided);
            foreach (var subscriber in subscribers)
            {
                subscriber.Writer.TryWrite(batch);
            }
        }

        return results.Count + events.Count;
    }

    /// <summary>
    /// Reads pages after the cursor into <paramref name="rows"/> (emptied first) until a short page; moves the cursor
    /// past each row read.
    /// </summary>
    private async Task ReadAllAsync<T>(
        RowCursor cursor, Func<RowCursor, List<T>, CancellationToken, Task<int>> read, Func<T, long> id, List<T> rows, CancellationToken cancellationToken)
    {
        rows.Clear();
        while (true)
        {
            cursor.Settle(time.GetTimestamp() * TimeSpan.TicksPerSecond / time.TimestampFrequency);
            var first = rows.Count;
            var page = await read(cursor, rows, cancellationToken).ConfigureAwait(false);
            var now = time.GetTimestamp() * TimeSpan.TicksPerSecond / time.TimestampFrequency;
            for (var i = first; i < rows.Count; i++)
            {
                cursor.Saw(id(rows[i]), now);
            }

            if (page < PageSize)
            {
                return;
            }
        }
    }

    private static string OutcomeName(TaskOutcome outcome) => outcome switch
    {
        TaskOutcome.Completed => "completed",
        TaskOutcome.Diverged => "diverged",
        _ => "failed",
    };

    private static IReadOnlyDictionary<string, object> Values(HyperparameterSet hyperparameters) =>
        hyperparameters.ToDictionary(kv => kv.Key, kv => kv.Value.IsCategorical ? (object)kv.Value.Category! : kv.Value.Number, StringComparer.Ordinal).AsReadOnly();

    private static double? Finite(double value) => double.IsFinite(value) ? value : null;

    /// <summary>What the dashboard needs from the stored spec: objective, steps, runs and their populations, searched names.</summary>
    private sealed record StoredSpec(string Experiment, Objective Objective, long Steps, IReadOnlyDictionary<string, (string Method, int Population)> Runs, IReadOnlyList<string> RunOrder, IReadOnlyList<string> Hyperparameters, IReadOnlyList<string> LogScale)
    {
        /// <summary>Reads the resolved spec's JSON (written by the spec library; defaults filled in) without needing its sections.</summary>
        public static StoredSpec Parse(string json)
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            var objective = root.GetProperty("objective");
            var mode = string.Equals(objective.GetProperty("mode").GetString(), "maximize", StringComparison.Ordinal) ? ObjectiveMode.Maximize : ObjectiveMode.Minimize;
            var runs = new Dictionary<string, (string, int)>(StringComparer.Ordinal);
            var order = new List<string>();
            if (root.TryGetProperty("runs", out var list))
            {
                foreach (var run in list.EnumerateArray())
                {
                    var name = run.GetProperty("name").GetString()!;
                    order.Add(name);
                    runs[name] = (
                        run.TryGetProperty("method", out var m) ? m.GetString() ?? "" : "",
                        run.TryGetProperty("population", out var p) && p.ValueKind == JsonValueKind.Number ? p.GetInt32() : 0);
                }
            }

            var names = new List<string>();
            var log = new List<string>();
            if (root.TryGetProperty("hyperparameters", out var hyperparameters) && hyperparameters.ValueKind == JsonValueKind.Object)
            {
                foreach (var h in hyperparameters.EnumerateObject())
                {
                    names.Add(h.Name);
                    if (h.Value.ValueKind == JsonValueKind.Object && h.Value.TryGetProperty("scale", out var scale) && scale.GetString() == "log")
                    {
                        log.Add(h.Name);
                    }
                }
            }

            var steps = root.TryGetProperty("steps", out var s) && s.ValueKind == JsonValueKind.Number ? s.GetInt64() : 0;
            var title = root.TryGetProperty("experiment", out var e) && e.ValueKind == JsonValueKind.String ? e.GetString()! : "";
            return new StoredSpec(title, new Objective(objective.GetProperty("metric").GetString()!, mode), steps, runs, order, names, log);
        }
    }

    /// <summary>An evaluation as the feed keeps it: <see cref="EvaluationView"/>'s values, its hyperparameters an index into the run's distinct sets.</summary>
    private readonly record struct Evaluation(long Id, long Start, long End, double Value, int Member, int Hyperparameters, TaskOutcome Outcome);

    private sealed class ExperimentState(string name, TimeSpan settle)
    {
        public string Name { get; } = name;

        public StoredSpec? Spec { get; set; }

        public IReadOnlyList<RunRecord> Records { get; set; } = [];

        public int Polls { get; set; }

        /// <summary>Its stored spec could not be read: it is left out.</summary>
        public bool Unreadable { get; set; }

        public Dictionary<string, RunState> Runs { get; } = new(StringComparer.Ordinal);

        public RowCursor ResultsCursor { get; } = new(settle);

        public RowCursor EventsCursor { get; } = new(settle);

        public RunState Run(string run)
        {
            if (!Runs.TryGetValue(run, out var state))
            {
                Runs[run] = state = new RunState(run);
            }

            return state;
        }

        public ExperimentView View(long now, TimeProvider time)
        {
            Debug.Assert(Spec is not null);
            var views = new List<RunView>();
            var stored = Records.Select(r => r.Name).ToHashSet(StringComparer.Ordinal);
            foreach (var record in Records)
            {
                views.Add(RunView(record.Name, record.Method, RunStatusNames.Name(record.Status), record.Message, record.WallSeconds, record.Status == RunStatus.Running, now, time));
            }

            foreach (var name in Spec.RunOrder.Where(n => !stored.Contains(n)))
            {
                views.Add(RunView(name, Spec.Runs[name].Method, "pending", null, 0, running: false, now, time));
            }

            return new ExperimentView(
                Name, Spec.Experiment.Length > 0 ? Spec.Experiment : Name, Spec.Objective.Metric, Spec.Objective.Mode.ToString().ToLowerInvariant(), Spec.Steps, Spec.Hyperparameters, Spec.LogScale, views);
        }

        private RunView RunView(string run, string method, string status, string? message, double wall, bool running, long now, TimeProvider time)
        {
            var population = Spec!.Runs.TryGetValue(run, out var r) ? r.Population : 0;
            var state = Runs.GetValueOrDefault(run);
            var done = state?.StepsDone ?? 0;
            var total = Math.Max(population * Spec.Steps, done);
            double? eta = null;
            if (running && state is { FirstSeen: { } first } && done > first.Steps && done < total)
            {
                var seconds = time.GetElapsedTime(first.Timestamp, now).TotalSeconds;
                eta = seconds > 0 ? (total - done) / ((done - first.Steps) / seconds) : null;
            }

            return new RunView(
                run, method, status, message, population, done, total, eta, state?.Best, state?.BestMember, state?.EvaluationCount ?? 0, wall);
        }
    }

    private sealed class RunState(string name)
    {
        private readonly Dictionary<int, long> _furthest = [];
        private double _bestScore = double.NegativeInfinity;

        // The evaluations, compact: a view (EvaluationView) is built only when a page asks. Their hyperparameters are
        // indexes into _sets, the distinct parsed sets: a member's rows share one until it explores.
        private readonly ChunkedList<Evaluation> _evaluations = new();
        private readonly List<IReadOnlyDictionary<string, object>> _sets = [];
        private readonly Dictionary<int, (string Text, int Set)> _memberSets = [];
        private FlatHyperparameters? _lastFlat; // its names are shared by the next set with the same names
        private readonly ChunkedList<ExploitRow> _exploits = new(); // the run's most frequent decision, compact

        // The whole rows a lineage needs, read on the first request (ProjectAsync): the evaluations [.._resultsLoaded]
        // and EventIds[.._eventsLoaded] have been read into _results and _events.
        private readonly List<TaskResult> _results = [];
        private readonly List<RunEvent> _events = [];
        private int _resultsLoaded;
        private int _eventsLoaded;
        private (int Results, int Events, RunLineage Lineage)? _lineage;

        public string Name { get; } = name;

        /// <summary>The ids of the run's events the feed has read, in read order (a lineage reads them whole).</summary>
        public ChunkedList<long> EventIds { get; } = new();

        /// <summary>The decisions the page draws but exploits (<see cref="AddExploit"/>): breedings, FIRE's.</summary>
        public List<DecisionView> Decisions { get; } = [];

        /// <summary>How many evaluations the feed has read.</summary>
        public int EvaluationCount => _evaluations.Count;

        public long StepsDone { get; private set; }

        public double? Best { get; private set; }

        public int? BestMember { get; private set; }

        /// <summary>When the dashboard first saw this run train, and how far it was: the ETA's rate is measured from here.</summary>
        public (long Timestamp, long Steps)? FirstSeen { get; private set; }

        /// <summary>The ids of the rows read by the feed that no lineage has read yet: results, events.</summary>
        public (long[] Results, long[] Events) Unloaded()
        {
            var results = new long[_evaluations.Count - _resultsLoaded];
            for (var i = 0; i < results.Length; i++)
            {
                results[i] = _evaluations[_resultsLoaded + i].Id;
            }

            var events = new long[EventIds.Count - _eventsLoaded];
            for (var i = 0; i < events.Length; i++)
            {
                events[i] = EventIds[_eventsLoaded + i];
            }

            return (results, events);
        }

        /// <summary>Adds the whole rows read for <see cref="Unloaded"/>'s ids.</summary>
        public void Loaded(int resultIds, IReadOnlyList<StoredRow<TaskResult>> results, int eventIds, IReadOnlyList<StoredRow<RunEvent>> events)
        {
            _results.AddRange(results.Select(r => r.Value));
            _events.AddRange(events.Select(e => e.Value));
            _resultsLoaded += resultIds;
            _eventsLoaded += eventIds;
        }

        /// <summary>The run's lineage over the rows loaded so far; built again only when rows were added since the last call.</summary>
        public RunLineage Lineage(Objective objective)
        {
            if (_lineage is not { } cached || cached.Results != _results.Count || cached.Events != _events.Count)
            {
                _lineage = cached = (_results.Count, _events.Count, RunLineage.Build(_events, _results, objective));
            }

            return cached.Lineage;
        }

        /// <summary>Starts the ETA's clock after the first poll that saw the run (what was stored before is not a rate).</summary>
        public void MarkSeen(long now) => FirstSeen ??= (now, StepsDone);

        /// <summary>Keeps the row (compact) and updates the run's progress and best; returns its index for <see cref="View"/>.</summary>
        public int Add(ResultRow row, StoredSpec spec)
        {
            if (row.Outcome != TaskOutcome.Failed)
            {
                var previous = _furthest.GetValueOrDefault(row.Member);
                if (row.End > previous)
                {
                    _furthest[row.Member] = row.End;
                    StepsDone += row.End - previous;
                }

                // As Objective.Score(TaskResult): a completed result's value, anything else never the best.
                var score = row.Outcome == TaskOutcome.Completed ? spec.Objective.Score(row.Value) : double.NegativeInfinity;
                if (double.IsFinite(score) && score > _bestScore)
                {
                    _bestScore = score;
                    Best = row.Value;
                    BestMember = row.Member;
                }
            }

            _evaluations.Add(new Evaluation(row.Id, row.Start, row.End, row.Value, row.Member, Hyperparameters(row), row.Outcome));
            return _evaluations.Count - 1;
        }

        /// <summary>The evaluation at <paramref name="index"/> as the page draws it.</summary>
        public EvaluationView View(int index)
        {
            ref readonly var e = ref _evaluations[index];
            return new EvaluationView(e.Id, Name, e.Member, e.Start, e.End, Finite(e.Value), OutcomeName(e.Outcome), _sets[e.Hyperparameters]);
        }

        /// <summary>Keeps an exploit (compact); returns its index for <see cref="ExploitView"/>.</summary>
        public int AddExploit(in ExploitRow exploit)
        {
            _exploits.Add(exploit);
            return _exploits.Count - 1;
        }

        /// <summary>The exploit at <paramref name="index"/> as the page draws it.</summary>
        public DecisionView ExploitView(int index)
        {
            ref readonly var x = ref _exploits[index];
            return new DecisionView(x.Id, Name, "exploit", x.Member, x.Step, x.Donor, x.Hash?.ToString(), null, null, null, null, null, null);
        }

        /// <summary>The decisions with an id above <paramref name="after"/>: exploits, then the others, each in read order.</summary>
        public IEnumerable<DecisionView> DecisionsAfter(long after)
        {
            for (var i = 0; i < _exploits.Count; i++)
            {
                if (_exploits[i].Id > after)
                {
                    yield return ExploitView(i);
                }
            }

            foreach (var decision in Decisions.Where(d => d.Id > after))
            {
                yield return decision;
            }
        }

        /// <summary>The evaluations with an id above <paramref name="after"/>, in read order.</summary>
        public IEnumerable<EvaluationView> EvaluationsAfter(long after)
        {
            for (var i = 0; i < _evaluations.Count; i++)
            {
                if (_evaluations[i].Id > after)
                {
                    yield return View(i);
                }
            }
        }

        /// <summary>
        /// The index in <see cref="_sets"/> of the row's hyperparameters as the page shows them. A member keeps its
        /// hyperparameters until it explores: the text is parsed when it differs from the member's previous row's, and
        /// the parsed values (read-only) are shared by its rows until then.
        /// </summary>
        private int Hyperparameters(ResultRow row)
        {
            if (_memberSets.TryGetValue(row.Member, out var last) && string.Equals(last.Text, row.Hyperparameters, StringComparison.Ordinal))
            {
                return last.Set;
            }

            var flat = FlatHyperparameters.Parse(row.Hyperparameters, _lastFlat);
            _lastFlat = flat ?? _lastFlat;
            _sets.Add(flat ?? Values(CohortJson.DeserializeHyperparameters(row.Hyperparameters)));
            _memberSets[row.Member] = (row.Hyperparameters, _sets.Count - 1);
            return _sets.Count - 1;
        }
    }
}
