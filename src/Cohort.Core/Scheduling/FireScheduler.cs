using System.Globalization;
using Cohort.Core.Fire;
using Cohort.Core.GaussianProcesses;
using Cohort.Core.Hyperparameters;
using Cohort.Core.Randomness;
using Cohort.Core.Storage;
using Cohort.Core.Strategies;

namespace Cohort.Core.Scheduling;

/// <summary>
/// FIRE PBT (Dalibard &amp; Jaderberg, paper 001 sections 3–4) as an ask/tell state machine.
/// <para>Workers: members 0 … nS − 1 form the sub-populations (member m is in P(1 + m / S), so P1 is 0 … S − 1);
/// workers nS … nS + |H| − 1 are the evaluators H. Every task is <see cref="FireOptions.EffectiveEvalInterval"/> steps,
/// so every result is a point of a training curve.</para>
/// <para>Synchronous, as in the paper's experiments (sec. 4.1: "wait for all workers to have reached the next
/// evolution step"): a barrier after every evaluation interval. When every live member's and evaluator's result of
/// the interval is told, the scheduler decides, in this order, with one seeded generator and in id order:</para>
/// <list type="number">
/// <item>Members at the budget finish, then members a stop condition declares done (<see cref="MethodOptions.Stop"/>:
/// they take no more tasks and are no donor, evaluator parent or target; evaluators assigned to them stop below); once
/// no member runs, evaluators stop and the run ends.</item>
/// <item>At a ready point (the step is a multiple of <see cref="MethodOptions.ReadyInterval"/>, after burn-in), each
/// sub-population runs ordinary PBT (exploit, then explore) on its own fitness: P1 on the objective Q; a parent Pi on
/// fitness(ρ) = Σ best_score_diff(η_ρ, η_ρk) over Φ, its members that currently have an evaluator with at least one
/// trained interval (sec. 3.1.2). Members outside Φ have no fitness and are exempt from evolution. A diverged member
/// is rescued at any barrier by copying the best member of its sub-population.</item>
/// <item>Evaluators whose assigned member or target lost an evolution event stop (sec. 3.2, last paragraph).</item>
/// <item>At a ready point, every other evaluator that has trained checks its criteria against its target
/// (<see cref="EvaluatorCriteria"/>): on success the target copies the evaluator's weights and keeps its own
/// hyperparameters; on success or stop the evaluator becomes free.</item>
/// <item>Free evaluators, in id order, take the parent member that has gone longest since it was evaluated or lost an
/// evolution event (ties: smallest id), among members of P2 … Pn without an evaluator that have trained at least their
/// sub-population's min_steps_before_eval; they copy its weights and the hyperparameters of the highest-fitness member
/// of the child sub-population (the target).</item>
/// </list>
/// <para>Training curves: an evaluator's starts at the step it copied its parent's weights, with the parent's score
/// there; a member's starts when it last copied weights (exploit or evaluator success), with the donor's score, or at
/// its first result. Curves are smoothed by a Matérn 5/2 GP (empirical Bayes), refitted only when they grow (warm
/// started from the previous fit). Choices where the paper is silent: the evaluator's curve includes its parent's score
/// at the copy step as (x₁, y₁); a member whose weights are replaced by an evaluator success also stops the evaluator
/// assigned to it (its curve no longer describes those weights); a parent sub-population's "highest fitness member"
/// falls back to the best objective score while none of its members has a fitness.</para>
/// <para>All randomness comes from one generator seeded by Seeds.Derive(runSeed, Purpose("scheduler")), drawn only in
/// <see cref="Tell"/>; events and tasks do not depend on the order in which a barrier's results arrive, so replaying
/// the stored results rebuilds the same state.</para>
/// </summary>
public sealed class FireScheduler : IPopulationScheduler
{
    private readonly PopulationState _state;
    private readonly Rng _rng;
    private readonly ulong _runSeed;
    private readonly int _size;
    private readonly FireMember[] _fire;
    private readonly Evaluator[] _evaluators;
    private readonly List<RunEvent> _deferred = [];
    private readonly EvaluatorCriteriaOptions _criteria;
    private bool _joined;
    private int _generation;

    /// <param name="options">Sub-populations, evaluators, intervals, criteria, exploit and explore.</param>
    /// <param name="space">The search space.</param>
    /// <param name="initialPoints">One point per sub-population member (n × S of them), in member-id order.</param>
    /// <param name="objective">Q and its direction.</param>
    /// <param name="stepsPerMember">The training budget of every member.</param>
    /// <param name="runSeed">The run's root seed.</param>
    public FireScheduler(
        FireOptions options,
        SearchSpace space,
        IReadOnlyList<HyperparameterSet> initialPoints,
        Objective objective,
        long stepsPerMember,
        ulong runSeed)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(initialPoints);
        options.Validate();
        if (initialPoints.Count < options.SubPopulations || initialPoints.Count % options.SubPopulations != 0)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"FIRE PBT needs a multiple of {options.SubPopulations} initial points (equal sub-populations); got {initialPoints.Count}."),
                nameof(initialPoints));
        }

        Options = options;
        _size = initialPoints.Count / options.SubPopulations;
        var evaluators = options.Evaluators ?? Math.Max(1, (int)Math.Round(0.75 * (options.SubPopulations - 1) * _size, MidpointRounding.AwayFromZero));
        _state = new PopulationState(initialPoints, space, objective, stepsPerMember, options.EffectiveEvalInterval, options.MaxTaskRetries, runSeed, options.Stop);
        _rng = new Rng(Seeds.Derive(runSeed, PbtScheduler.SchedulerPurpose));
        _runSeed = runSeed;
        _fire = _state.Members.Select(m => new FireMember(1 + (m.Id / _size))).ToArray();
        _evaluators = Enumerable.Range(initialPoints.Count, evaluators).Select(id => new Evaluator(id, initialPoints[0])).ToArray();
        _criteria = new EvaluatorCriteriaOptions(options.EffectiveMaxEvalSteps, options.PStat);
    }

    public FireOptions Options { get; }

    public string Method => "fire";

    /// <summary>All workers: sub-population members and evaluators.</summary>
    public int Population => _state.Members.Length + _evaluators.Length;

    /// <summary>S, the size of each sub-population.</summary>
    public int SubPopulationSize => _size;

    /// <summary>|H|, the number of evaluators.</summary>
    public int EvaluatorCount => _evaluators.Length;

    public long StepsPerMember => _state.StepsPerMember;

    /// <summary>The creation of the sub-population members (evaluators are not created with hyperparameters).</summary>
    public IReadOnlyList<RunEvent> InitialEvents => _state.InitialEvents;

    public IReadOnlyList<MemberSnapshot> Members =>
        _state.Snapshots.Concat(_evaluators.Select(e => e.Snapshot(_generation))).ToArray();

    public IReadOnlyList<TrainTask> Pending =>
        _state.Members.Where(m => m.Pending is not null).Select(m => m.Pending!)
            .Concat(_evaluators.Where(e => e.Pending is not null).Select(e => e.Pending!))
            .OrderBy(t => t.StartStep).ThenBy(t => t.Member).ToArray();

    public bool IsFinished => _state.IsFinished && _evaluators.All(e => e.Pending is null);

    /// <summary>The sub-population of a worker: 1 … n for members, 0 for evaluators.</summary>
    public int SubPopulationOf(int worker) =>
        worker >= 0 && worker < _fire.Length ? _fire[worker].SubPopulation
        : worker >= _fire.Length && worker < Population ? SubPopulationJoined.EvaluatorSet
        : throw new ArgumentOutOfRangeException(nameof(worker), worker, "No such worker.");

    /// <summary>The member an evaluator is assigned to (null when free or not an evaluator).</summary>
    public int? AssignmentOf(int evaluator) =>
        evaluator >= _fire.Length && evaluator < Population ? _evaluators[evaluator - _fire.Length].Parent : null;

    public IReadOnlyList<RunEvent> Tell(TaskResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var task = result.Task ?? throw new ArgumentException("The result has no task.", nameof(result));
        if (task.Member >= _fire.Length && task.Member < Population)
        {
            AcceptEvaluator(result, _evaluators[task.Member - _fire.Length]);
        }
        else
        {
            var acceptance = _state.Accept(result, out var member);
            if (acceptance == PopulationState.Acceptance.Failed)
            {
                _deferred.Add(new MemberFinished(member.Id, member.Step, MemberStopReason.Failed, PopulationState.FailureMessage(result)));
            }
            else if (acceptance == PopulationState.Acceptance.Scored && double.IsFinite(member.LastScore))
            {
                _fire[member.Id].Curve.Add(member.LastScoreStep, member.LastScore);
            }
        }

        if (_state.Running.Any(m => m.Pending is not null) || _evaluators.Any(e => e.Pending is not null))
        {
            return [];
        }

        return Barrier();
    }

    private void AcceptEvaluator(TaskResult result, Evaluator e)
    {
        var task = result.Task;
        var pending = e.Pending;
        if (pending is null || pending.Ordinal != task.Ordinal || pending.Seed != task.Seed || pending.StartStep != task.StartStep
            || pending.Steps != task.Steps || pending.From?.Hash != task.From?.Hash)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"Result for evaluator {task.Member} task {task.Ordinal} does not answer a pending task (pending: {pending?.Ordinal.ToString(CultureInfo.InvariantCulture) ?? "none"})."));
        }

        e.Pending = null;
        var failed = result.Outcome == TaskOutcome.Failed || (result.Outcome == TaskOutcome.Completed && result.Checkpoint is null);
        if (failed)
        {
            if (e.Failures < Options.MaxTaskRetries)
            {
                e.Failures++;
                e.Pending = pending with { Ordinal = e.NextOrdinal++ };
                return;
            }

            e.Failures = 0;
            _deferred.Add(Release(e, pending.EndStep, "failed: " + PopulationState.FailureMessage(result)));
            return;
        }

        e.Failures = 0;
        var score = result.Outcome == TaskOutcome.Diverged ? double.NegativeInfinity : _state.Objective.Score(result);
        if (!double.IsFinite(score) || result.Checkpoint is null)
        {
            _deferred.Add(Release(e, pending.EndStep, "diverged"));
            return;
        }

        e.Checkpoint = result.Checkpoint;
        e.Step = result.Checkpoint.Step;
        e.LastScore = score;
        e.LastScoreStep = pending.EndStep;
        e.Curve.Add(pending.EndStep, score);
    }

    private List<RunEvent> Barrier()
    {
        var events = new List<RunEvent>();
        if (!_joined)
        {
            _joined = true;
            events.AddRange(_fire.Select((f, id) => (RunEvent)new SubPopulationJoined(id, 0, f.SubPopulation)));
            events.AddRange(_evaluators.Select(e => (RunEvent)new SubPopulationJoined(e.Id, 0, SubPopulationJoined.EvaluatorSet)));
        }

        events.AddRange(_deferred.OrderBy(e => e.Member));
        _deferred.Clear();
        _generation++;

        foreach (var m in _state.Running.Where(m => m.Step >= _state.StepsPerMember).ToArray())
        {
            m.Finish(m.LastDiverged ? MemberStopReason.Diverged : MemberStopReason.Completed, events);
        }

        foreach (var m in _state.Running.ToArray())
        {
            m.FinishIfStopped(events);
        }

        var live = _state.Running.ToArray();
        if (live.Length == 0)
        {
            EndEvaluators(events);
            return events;
        }

        var step = live.Max(m => m.Step);
        var ready = step % Options.ReadyInterval == 0 && step >= Options.BurnIn;
        var losers = new HashSet<int>();
        for (var i = 1; i <= Options.SubPopulations; i++)
        {
            Evolve(i, ready, step, losers, events);
        }

        // Sec. 3.2: an evaluator whose assigned member or target lost an evolution event stops.
        foreach (var e in _evaluators.Where(e => e.Parent is not null))
        {
            if (losers.Contains(e.Parent!.Value))
            {
                events.Add(Release(e, step, "its member lost an evolution event"));
            }
            else if (losers.Contains(e.Target!.Value))
            {
                events.Add(Release(e, step, "its target lost an evolution event"));
            }
            else if (_state.Members[e.Parent.Value].Status != MemberStatus.Running || _state.Members[e.Target.Value].Status != MemberStatus.Running)
            {
                events.Add(Release(e, step, "its member or target stopped"));
            }
        }

        if (ready)
        {
            CheckCriteria(step, events);
        }

        Assign(step, events);

        foreach (var m in _state.Running)
        {
            m.Generation++;
            _state.Issue(m);
        }

        foreach (var e in _evaluators.Where(e => e.Parent is not null))
        {
            Issue(e);
        }

        return events;
    }

    /// <summary>Exploit and explore inside sub-population <paramref name="subPopulation"/>; diverged members are rescued at any barrier.</summary>
    private void Evolve(int subPopulation, bool ready, long step, HashSet<int> losers, List<RunEvent> events)
    {
        var members = _state.Running.Where(m => _fire[m.Id].SubPopulation == subPopulation).ToArray();
        if (members.Length == 0)
        {
            return;
        }

        // The sub-population's fitness: Q for P1, the evaluator curves for a parent (sec. 3.1.2).
        IReadOnlyList<MemberScore> population;
        if (subPopulation == 1)
        {
            population = members.Where(m => m.HasResult).Select(m => new MemberScore(m.Id, m.LastScore, m.LastScoreStep)).ToArray();
        }
        else
        {
            population = ready ? ParentFitness(members) : [];
        }

        var decisions = new Dictionary<int, ExploitDecision>();
        if (ready && population.Count > 0)
        {
            foreach (var d in Options.Exploit.DecidePopulation(population, _rng))
            {
                decisions[d.Member] = d;
            }
        }

        foreach (var m in members.OrderBy(m => m.Id))
        {
            decisions.TryGetValue(m.Id, out var decision);
            if (decision?.Donor == m.Id)
            {
                decision = decision with { Donor = null };
            }

            if (m.LastDiverged && decision?.Donor is null)
            {
                var rescuer = BestOf(subPopulation, excluding: m.Id);
                if (rescuer is null)
                {
                    m.Finish(MemberStopReason.Diverged, events, "diverged and no member of its sub-population with a finite score to copy");
                    losers.Add(m.Id);
                    continue;
                }

                decision = new ExploitDecision(m.Id, rescuer.Id, true);
            }

            if (decision is null)
            {
                continue;
            }

            if (decision.Donor is { } donorId)
            {
                var donor = _state.Members[donorId];
                if (donor.LastCheckpoint is null || _fire[donorId].SubPopulation != subPopulation || !double.IsFinite(donor.LastScore))
                {
                    throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"Exploit strategy '{Options.Exploit.Name}' chose donor {donorId} for member {m.Id}, which is not a scored member of P{subPopulation}."));
                }

                var before = m.Hyperparameters;
                m.Checkpoint = donor.LastCheckpoint;
                m.Step = donor.LastCheckpoint.Step;
                m.Hyperparameters = donor.LastHyperparameters;
                events.Add(new Exploited(m.Id, step, donorId, donor.LastCheckpoint, before, m.Hyperparameters));
                _fire[m.Id].Curve.Reset(m.Step, donor.LastScore);
                _fire[m.Id].SinceStep = step;
                losers.Add(m.Id);
            }

            if (decision.Explore)
            {
                _state.Explore(m, Options.Explore, step, _rng, events);
            }
        }
    }

    /// <summary>
    /// fitness(ρ) over Φ: the members with an evaluator that has trained at least one interval, in id order. A member
    /// whose own latest result diverged is left out: it is no donor (its weights are not worth copying) but a receiver
    /// of the rescue below, however good its evaluator's curve.
    /// </summary>
    private MemberScore[] ParentFitness(IReadOnlyList<MemberState> members)
    {
        var phi = members
            .Select(m => (Member: m, Evaluator: _evaluators.FirstOrDefault(e => e.Parent == m.Id)))
            .Where(x => x.Evaluator is not null && x.Evaluator.Curve.Count >= 2
                && x.Member.LastCheckpoint is not null && double.IsFinite(x.Member.LastScore))
            .ToArray();
        foreach (var m in members)
        {
            _fire[m.Id].Fitness = null;
        }

        if (phi.Length == 0)
        {
            return [];
        }

        var curves = phi.Select(x => x.Evaluator!.Curve.Smoothed()).ToArray();
        var fitness = CurveComparison.Fitnesses(curves, Options.Comparison);
        var scores = new MemberScore[phi.Length];
        for (var j = 0; j < phi.Length; j++)
        {
            _fire[phi[j].Member.Id].Fitness = fitness[j];
            scores[j] = new MemberScore(phi[j].Member.Id, fitness[j], phi[j].Member.LastScoreStep);
        }

        return scores;
    }

    /// <summary>
    /// The highest-fitness running member of a sub-population with a finite score and a checkpoint: by Q in P1, by
    /// fitness in a parent (by Q while none has one). Ties go to the smaller id.
    /// </summary>
    private MemberState? BestOf(int subPopulation, int excluding = -1)
    {
        var candidates = _state.Running
            .Where(m => _fire[m.Id].SubPopulation == subPopulation && m.Id != excluding && m.LastCheckpoint is not null && double.IsFinite(m.LastScore))
            .ToArray();
        if (subPopulation > 1 && candidates.Any(m => _fire[m.Id].Fitness is not null))
        {
            return candidates.Where(m => _fire[m.Id].Fitness is not null)
                .OrderByDescending(m => _fire[m.Id].Fitness!.Value).ThenBy(m => m.Id).First();
        }

        return candidates.OrderByDescending(m => m.LastScore).ThenBy(m => m.Id).FirstOrDefault();
    }

    /// <summary>Sec. 3.2: each trained evaluator against its target — success (target copies its weights), stop, or continue.</summary>
    private void CheckCriteria(long step, List<RunEvent> events)
    {
        var replaced = new HashSet<int>();
        foreach (var e in _evaluators.Where(e => e.Parent is not null && e.Step > e.StartStep))
        {
            var target = _state.Members[e.Target!.Value];
            var targetCurve = _fire[target.Id].Curve;
            if (target.Status != MemberStatus.Running || targetCurve.Count == 0)
            {
                continue;
            }

            var verdict = EvaluatorCriteria.Decide(e.Curve.Smoothed(), targetCurve.Smoothed(), e.Step - e.StartStep, _criteria, Options.Comparison);
            switch (verdict.Decision)
            {
                case EvaluatorDecision.Succeed:
                    var parent = e.Parent!.Value;
                    target.Checkpoint = e.Checkpoint;
                    target.Step = e.Step;
                    events.Add(new EvaluatorSucceeded(target.Id, step, e.Id, parent, e.Checkpoint!, target.Hyperparameters, verdict.BestScoreDiff, verdict.Binomial!.PValue));
                    targetCurve.Reset(e.Step, e.LastScore);
                    replaced.Add(target.Id);
                    events.Add(Release(e, step, "success"));
                    break;
                case EvaluatorDecision.Stop:
                    events.Add(Release(e, step, "stopping criteria: " + verdict.Reason));
                    break;
            }
        }

        // A member whose weights were just replaced is no longer what its own evaluator is measuring.
        foreach (var e in _evaluators.Where(e => e.Parent is { } p && replaced.Contains(p)))
        {
            events.Add(Release(e, step, "its member copied an evaluator's weights"));
        }
    }

    /// <summary>Gives every free evaluator, in id order, the parent member least recently evaluated (sec. 3 step 1).</summary>
    private void Assign(long step, List<RunEvent> events)
    {
        foreach (var e in _evaluators.Where(e => e.Parent is null))
        {
            var parent = _state.Running
                .Where(m => _fire[m.Id].SubPopulation >= 2
                    && m.LastCheckpoint is not null
                    && double.IsFinite(m.LastScore)
                    && ReferenceEquals(m.Checkpoint, m.LastCheckpoint)
                    && m.Step >= Options.MinStepsBeforeEvalOf(_fire[m.Id].SubPopulation)
                    && !_evaluators.Any(x => x.Parent == m.Id))
                .OrderBy(m => _fire[m.Id].SinceStep)
                .ThenBy(m => m.Id)
                .FirstOrDefault();
            if (parent is null)
            {
                return;
            }

            var target = BestOf(_fire[parent.Id].SubPopulation - 1);
            if (target is null)
            {
                return;
            }

            e.Parent = parent.Id;
            e.Target = target.Id;
            e.StartStep = parent.LastCheckpoint!.Step;
            e.Step = e.StartStep;
            e.Checkpoint = parent.LastCheckpoint;
            e.Hyperparameters = target.Hyperparameters;
            e.LastScore = parent.LastScore;
            e.LastScoreStep = parent.LastScoreStep;
            e.Curve.Reset(e.StartStep, parent.LastScore);
            _fire[parent.Id].SinceStep = step;
            events.Add(new EvaluatorStarted(e.Id, step, parent.Id, target.Id, parent.LastCheckpoint, target.Hyperparameters));
        }
    }

    private void Issue(Evaluator e)
    {
        var steps = (int)Math.Min(Options.EffectiveEvalInterval, _state.StepsPerMember - e.Step);
        if (steps <= 0)
        {
            return;
        }

        var ordinal = e.NextOrdinal++;
        var seed = Seeds.Derive(_runSeed, (ulong)e.Id, (ulong)ordinal, PopulationState.TrainPurpose);
        e.Pending = new TrainTask(e.Id, ordinal, _generation, e.Checkpoint, e.Hyperparameters, e.Step, steps, seed);
    }

    /// <summary>Frees an evaluator and returns the event that says so.</summary>
    private static EvaluatorStopped Release(Evaluator e, long step, string reason)
    {
        var stopped = new EvaluatorStopped(e.Id, step, e.Parent ?? -1, e.Target ?? -1, reason);
        e.Parent = null;
        e.Target = null;
        e.Pending = null;
        e.Curve.Clear();
        return stopped;
    }

    private void EndEvaluators(List<RunEvent> events)
    {
        foreach (var e in _evaluators.Where(e => !e.Finished))
        {
            var step = e.Parent is not null ? e.Step : e.LastScoreStep;
            if (e.Parent is not null)
            {
                events.Add(Release(e, step, "end of training"));
            }

            e.Finished = true;
            events.Add(new MemberFinished(e.Id, step, MemberStopReason.Completed, "evaluator"));
        }
    }

    /// <summary>FIRE's state of a sub-population member beside <see cref="MemberState"/>.</summary>
    private sealed class FireMember(int subPopulation)
    {
        public int SubPopulation { get; } = subPopulation;

        /// <summary>Its training curve since it last copied weights.</summary>
        public CurveTrack Curve { get; } = new();

        /// <summary>The step it was last evaluated (assigned an evaluator) or lost an evolution event; 0 before.</summary>
        public long SinceStep { get; set; }

        /// <summary>Its fitness at the last ready point while in Φ (parents only); null otherwise.</summary>
        public double? Fitness { get; set; }
    }

    /// <summary>One evaluator η: its assignment, weights, hyperparameters and curve.</summary>
    private sealed class Evaluator(int id, HyperparameterSet placeholder)
    {
        public int Id { get; } = id;

        public int? Parent { get; set; }

        public int? Target { get; set; }

        public long StartStep { get; set; }

        public long Step { get; set; }

        public CheckpointRef? Checkpoint { get; set; }

        public HyperparameterSet Hyperparameters { get; set; } = placeholder;

        public double LastScore { get; set; } = double.NaN;

        public long LastScoreStep { get; set; }

        public int NextOrdinal { get; set; }

        public int Failures { get; set; }

        public bool Finished { get; set; }

        public TrainTask? Pending { get; set; }

        public CurveTrack Curve { get; } = new();

        public MemberSnapshot Snapshot(int generation) => new(
            Id,
            Finished ? MemberStatus.Completed : MemberStatus.Running,
            Hyperparameters,
            Checkpoint,
            Step,
            LastScore,
            LastScoreStep,
            generation);
    }
}

/// <summary>A growing training curve and its GP smoothing, refitted only when it has grown (warm started).</summary>
internal sealed class CurveTrack
{
    private readonly List<double> _steps = [];
    private readonly List<double> _scores = [];
    private SmoothedCurve? _smoothed;

    public int Count => _steps.Count;

    public void Clear()
    {
        _steps.Clear();
        _scores.Clear();
        _smoothed = null;
    }

    public void Reset(double step, double score)
    {
        Clear();
        Add(step, score);
    }

    /// <summary>Appends a point; a point at or before the last step replaces the points from there on.</summary>
    public void Add(double step, double score)
    {
        while (_steps.Count > 0 && _steps[^1] >= step)
        {
            _steps.RemoveAt(_steps.Count - 1);
            _scores.RemoveAt(_scores.Count - 1);
            _smoothed = null;
        }

        _steps.Add(step);
        _scores.Add(score);
    }

    /// <summary>The GP-smoothed curve (Matérn 5/2, empirical Bayes; sec. 3.1.1 step 1).</summary>
    public SmoothedCurve Smoothed()
    {
        if (_smoothed is not null && _smoothed.Count == _steps.Count)
        {
            return _smoothed;
        }

        var curve = new TrainingCurve(_steps, _scores);
        var warm = _smoothed?.Hyperparameters;
        _smoothed = SmoothedCurve.Fit(curve, warm is null ? null : new GpFitOptions(WarmStart: warm));
        return _smoothed;
    }
}
