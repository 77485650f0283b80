using System.Globalization;
using Cohort.Core.Hyperparameters;
using Cohort.Core.Scheduling;
using Cohort.Core.Storage;

namespace Cohort.Core.Lineage;

/// <summary>From <see cref="Step"/> on (until the next segment), the weights were trained with <see cref="Hyperparameters"/>.</summary>
public sealed record ScheduleSegment(long Step, HyperparameterSet Hyperparameters);

/// <summary>The weights were trained by <see cref="Member"/> from <see cref="FromStep"/> to <see cref="ToStep"/>.</summary>
public sealed record AncestrySegment(int Member, long FromStep, long ToStep);

/// <summary>One evaluation of a member: the objective's metric value, its score (higher is better) and all metrics.</summary>
public sealed record ScorePoint(
    long Step,
    double Value,
    double Score,
    TaskOutcome Outcome,
    IReadOnlyDictionary<string, double> Validation,
    IReadOnlyDictionary<string, double> Test);

/// <summary>
/// A pure projection of a run's event log and results (DESIGN.md: "everything else is a projection"): for any member,
/// the hyperparameter schedule that produced its final weights — the schedule the papers plot — walking back through the
/// exploits it took (the checkpoint it started each task from, back to the donor's task that wrote it; for a GA child,
/// the weights parent's task, see <see cref="Bred"/>), the ancestry
/// chain, its exploit records and its score history.
/// <para>
/// The walk follows checkpoints, the weights' identity: the member's last scored result wrote its final checkpoint;
/// that task started from <see cref="TrainTask.From"/>, written by an earlier task (its own, or a donor's when the task
/// followed an <see cref="Exploited"/> event), and so on back to a task that started from scratch. Each task contributes
/// the segment [StartStep, EndStep) trained with its hyperparameters; consecutive equal segments are merged. Failed
/// results wrote nothing and are skipped.
/// </para>
/// </summary>
public sealed class RunLineage
{
    private readonly IReadOnlyList<RunEvent> _events;
    private readonly IReadOnlyList<TaskResult> _results;
    private readonly Objective _objective;
    private readonly Dictionary<(string Hash, long Step), List<TaskResult>> _writers = [];
    private readonly SortedDictionary<int, HyperparameterSet> _created = [];
    private readonly Dictionary<(int Member, string Hash, long Step), int> _weightSources = [];
    private readonly Dictionary<int, int> _subPopulations = [];

    private RunLineage(IReadOnlyList<RunEvent> events, IReadOnlyList<TaskResult> results, Objective objective)
    {
        _events = events;
        _results = results;
        _objective = objective;
        foreach (var created in events.OfType<MemberCreated>())
        {
            _created[created.Member] = created.Hyperparameters;
        }

        // Where a member took another's weights (exploit, or a GA child's weights parent), the walk back prefers that
        // member's task as the checkpoint's writer should several tasks have written identical weights.
        foreach (var e in events)
        {
            switch (e)
            {
                case Exploited x:
                    _weightSources[(x.Member, x.Checkpoint.Hash, x.Checkpoint.Step)] = x.Donor;
                    break;
                case Bred { Checkpoint: not null } b:
                    _weightSources[(b.Member, b.Checkpoint.Hash, b.Checkpoint.Step)] = b.WeightsParent;
                    break;
                case EvaluatorStarted es:
                    _weightSources[(es.Member, es.Checkpoint.Hash, es.Checkpoint.Step)] = es.Parent;
                    break;
                case EvaluatorSucceeded su:
                    _weightSources[(su.Member, su.Checkpoint.Hash, su.Checkpoint.Step)] = su.Evaluator;
                    break;
                case SubPopulationJoined joined:
                    _subPopulations[joined.Member] = joined.SubPopulation;
                    break;
            }
        }

        foreach (var r in results.Where(r => r.Outcome != TaskOutcome.Failed && r.Checkpoint is not null))
        {
            var key = (r.Checkpoint!.Hash, r.Checkpoint.Step);
            if (!_writers.TryGetValue(key, out var list))
            {
                _writers[key] = list = [];
            }

            list.Add(r);
        }
    }

    /// <summary>Builds the projection. <paramref name="events"/> in log order, <paramref name="results"/> in append order.</summary>
    public static RunLineage Build(IReadOnlyList<RunEvent> events, IReadOnlyList<TaskResult> results, Objective objective)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(results);
        ArgumentNullException.ThrowIfNull(objective);
        return new RunLineage(events.ToArray(), results.ToArray(), objective);
    }

    /// <summary>The run's event log, in log order.</summary>
    public IReadOnlyList<RunEvent> Events => _events;

    /// <summary>The member ids, from the <see cref="MemberCreated"/> events and the results.</summary>
    public IReadOnlyList<int> Members =>
        _created.Keys.Concat(_results.Select(r => r.Task.Member)).Distinct().Order().ToArray();

    /// <summary>The member's latest scored result (its final weights); null when it has none.</summary>
    public TaskResult? FinalResult(int member) =>
        _results.LastOrDefault(r => r.Task.Member == member && r.Outcome != TaskOutcome.Failed && r.Checkpoint is not null);

    /// <summary>
    /// The hyperparameters that trained the member's final weights; its initial ones when it has no scored result (from
    /// its creation, or from its first task when only failed tasks were stored).
    /// </summary>
    public HyperparameterSet FinalHyperparameters(int member) =>
        FinalResult(member)?.Task.Hyperparameters
        ?? (_created.TryGetValue(member, out var h) ? h : null)
        ?? _results.FirstOrDefault(r => r.Task.Member == member)?.Task.Hyperparameters
        ?? throw Unknown(member);

    /// <summary>The members excluded because their tasks kept failing, with the step they reached and the cause, in log order.</summary>
    public IReadOnlyList<MemberFinished> FailedMembers =>
        _events.OfType<MemberFinished>().Where(e => e.Reason == MemberStopReason.Failed).ToArray();

    /// <summary>The chain of tasks that produced <paramref name="checkpoint"/>, oldest first.</summary>
    public IReadOnlyList<TaskResult> Provenance(CheckpointRef checkpoint, int? preferMember = null)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        var chain = new List<TaskResult>();
        var seen = new HashSet<(string, long)>();
        CheckpointRef? current = checkpoint;
        var prefer = preferMember;
        while (current is not null)
        {
            var key = (current.Hash, current.Step);
            if (!seen.Add(key))
            {
                throw new InvalidOperationException($"The checkpoint chain loops at {current.Hash} (step {current.Step.ToString(CultureInfo.InvariantCulture)}).");
            }

            if (!_writers.TryGetValue(key, out var writers))
            {
                throw new InvalidOperationException($"No result wrote checkpoint {current.Hash} (step {current.Step.ToString(CultureInfo.InvariantCulture)}); the log is incomplete.");
            }

            var writer = writers.FirstOrDefault(w => w.Task.Member == prefer) ?? writers[0];
            chain.Add(writer);
            current = writer.Task.From;
            prefer = current is not null && _weightSources.TryGetValue((writer.Task.Member, current.Hash, current.Step), out var source)
                ? source
                : writer.Task.Member;
        }

        chain.Reverse();
        return chain;
    }

    /// <summary>
    /// The hyperparameter schedule that produced the member's final weights: segments in step order, consecutive
    /// equal hyperparameters merged. A member without results has one segment: its initial hyperparameters from step 0.
    /// </summary>
    public IReadOnlyList<ScheduleSegment> Schedule(int member)
    {
        var final = FinalResult(member);
        if (final is null)
        {
            return [new ScheduleSegment(0, FinalHyperparameters(member))];
        }

        var segments = new List<ScheduleSegment>();
        foreach (var r in Provenance(final.Checkpoint!, member))
        {
            if (segments.Count == 0 || !segments[^1].Hyperparameters.Equals(r.Task.Hyperparameters))
            {
                segments.Add(new ScheduleSegment(r.Task.StartStep, r.Task.Hyperparameters));
            }
        }

        return segments;
    }

    /// <summary>Which members trained the final weights over which steps, oldest first (consecutive same-member spans merged).</summary>
    public IReadOnlyList<AncestrySegment> Ancestry(int member)
    {
        var final = FinalResult(member);
        if (final is null)
        {
            return [];
        }

        var spans = new List<AncestrySegment>();
        foreach (var r in Provenance(final.Checkpoint!, member))
        {
            if (spans.Count > 0 && spans[^1].Member == r.Task.Member && spans[^1].ToStep == r.Task.StartStep)
            {
                spans[^1] = spans[^1] with { ToStep = r.Task.EndStep };
            }
            else
            {
                spans.Add(new AncestrySegment(r.Task.Member, r.Task.StartStep, r.Task.EndStep));
            }
        }

        return spans;
    }

    /// <summary>Every evaluation of the member, in the order the results were told (failed tasks left out).</summary>
    public IReadOnlyList<ScorePoint> Scores(int member) =>
        _results
            .Where(r => r.Task.Member == member && r.Outcome != TaskOutcome.Failed)
            .Select(r =>
            {
                var value = r.Validation.TryGetValue(_objective.Metric, out var v) ? v : double.NaN;
                var score = r.Outcome == TaskOutcome.Diverged ? double.NegativeInfinity : _objective.Score(r);
                return new ScorePoint(r.Task.EndStep, value, score, r.Outcome, r.Validation, r.Test);
            })
            .ToArray();

    /// <summary>The member's exploits (lineage records: donor, step, checkpoint and its hash, hyperparameters before/after), in log order.</summary>
    public IReadOnlyList<Exploited> Exploits(int member) => _events.OfType<Exploited>().Where(e => e.Member == member).ToArray();

    /// <summary>The member's breedings (paper 004's three parents: two hyperparameter parents and the weights parent), in log order.</summary>
    public IReadOnlyList<Bred> Breedings(int member) => _events.OfType<Bred>().Where(e => e.Member == member).ToArray();

    /// <summary>The member's explores, in log order.</summary>
    public IReadOnlyList<Explored> Explores(int member) => _events.OfType<Explored>().Where(e => e.Member == member).ToArray();

    /// <summary>Why the member stopped; null while it runs.</summary>
    public MemberFinished? Finished(int member) => _events.OfType<MemberFinished>().LastOrDefault(e => e.Member == member);

    /// <summary>
    /// The member whose final weights score best (its last scored result; ties to the smaller id), or null when no
    /// member has a finite score. FIRE PBT's evaluators are not members of the population and are left out.
    /// </summary>
    public int? BestMember()
    {
        int? best = null;
        var bestScore = double.NegativeInfinity;
        foreach (var m in Members.Where(m => !IsEvaluator(m)))
        {
            var final = FinalResult(m);
            if (final is null)
            {
                continue;
            }

            var score = final.Outcome == TaskOutcome.Diverged ? double.NegativeInfinity : _objective.Score(final);
            if (double.IsFinite(score) && (best is null || score > bestScore))
            {
                best = m;
                bestScore = score;
            }
        }

        return best;
    }

    /// <summary>Training steps spent by the run: the steps of every told task, failed ones included.</summary>
    public long TotalSteps => _results.Sum(r => (long)r.Task.Steps);

    private static KeyNotFoundException Unknown(int member) =>
        new($"Member {member.ToString(CultureInfo.InvariantCulture)} is not in the run's event log.");

    /// <summary>
    /// FIRE PBT (paper 001): the worker's sub-population, 1-based (P1 is the greedy one), 0 for an evaluator, or null
    /// when the run has no sub-populations (every method but FIRE).
    /// </summary>
    public int? SubPopulation(int member) => _subPopulations.TryGetValue(member, out var i) ? i : null;

    /// <summary>True when the worker is a FIRE PBT evaluator.</summary>
    public bool IsEvaluator(int member) => _subPopulations.TryGetValue(member, out var i) && i == SubPopulationJoined.EvaluatorSet;

    /// <summary>The evaluator successes in which <paramref name="member"/> was the target (it copied the evaluator's weights), in log order.</summary>
    public IReadOnlyList<EvaluatorSucceeded> EvaluatorSuccesses(int member) =>
        _events.OfType<EvaluatorSucceeded>().Where(e => e.Member == member).ToArray();

    /// <summary>Every evaluator success of the run, in log order (paper 001 Figure 4a's black circles).</summary>
    public IReadOnlyList<EvaluatorSucceeded> AllEvaluatorSuccesses => _events.OfType<EvaluatorSucceeded>().ToArray();

    /// <summary>The assignments of an evaluator (the parent whose weights it copied, and its target), in log order.</summary>
    public IReadOnlyList<EvaluatorStarted> EvaluatorAssignments(int evaluator) =>
        _events.OfType<EvaluatorStarted>().Where(e => e.Member == evaluator).ToArray();
}
