using Cohort.Core.Hyperparameters;
using Cohort.Core.Randomness;
using Cohort.Core.Strategies;

namespace Cohort.Core.Scheduling;

/// <summary>
/// Population based training as an ask/tell state machine (paper 002 Algorithm 1; papers 000 and 001 for the
/// synchronous form). Every member trains in tasks of <see cref="MethodOptions.ReadyInterval"/> steps; each task end is
/// a ready point (ready(p, t, P) in Algorithm 1) once <see cref="PbtOptions.BurnIn"/> steps are reached.
/// <list type="bullet">
/// <item><b>Synchronous</b>: a generation barrier. No task of generation g + 1 is issued before every live member's
/// result of generation g is told; then exploit/explore run for the whole population in member-id order with the
/// scheduler's seeded generator, and all events of the generation are returned by the Tell that completed it. The
/// events and tasks do not depend on the order in which the results of a generation arrive.</item>
/// <item><b>Asynchronous</b>: when a member's result is told, the scheduler decides for that member against the latest
/// told scores of the other running members (exploit(h, θ, p, P)), explores, and issues its next task.
/// Deterministic for a fixed order of results (one worker).</item>
/// </list>
/// An exploit points the receiver's next task at the donor's latest checkpoint (<see cref="TrainTask.From"/>, and
/// <see cref="TrainTask.StartStep"/> = that checkpoint's step) with the hyperparameters that trained it, then explores them.
/// A diverged member (outcome Diverged or a non-finite score) is always an exploit receiver: when the strategy gives it
/// no donor it copies the best member with a finite score; when there is none (or under the explore-only ablation, or
/// at the budget) it finishes as Diverged. A failed task is retried <see cref="MethodOptions.MaxTaskRetries"/> times,
/// then the member finishes as Failed and is excluded; the run never waits for it.
/// A member a stop condition declares done (<see cref="MethodOptions.Stop"/>) finishes before any exploit of its ready
/// point and takes no more tasks; with <see cref="Stopping.StopConditions.StoppedDonors"/> its latest result stays in
/// the population the exploit strategy ranks, as a possible donor (a decision that would make it a receiver is
/// dropped; each member copies a given stopped donor at most once, since its checkpoint is from an earlier step: a second
/// such decision is dropped and the member keeps its weights), otherwise it leaves the population.
/// All randomness comes from one generator seeded by Seeds.Derive(runSeed, Purpose("scheduler")), drawn only inside
/// <see cref="Tell"/>, so replaying the stored results in order into a fresh scheduler rebuilds the same state.
/// </summary>
public sealed class PbtScheduler : IPopulationScheduler
{
    public static readonly ulong SchedulerPurpose = Seeds.Purpose("scheduler");

    private readonly PopulationState _state;
    private readonly Rng _rng;
    private readonly List<RunEvent> _deferred = [];

    /// <param name="options">Mode, ready interval, burn-in, strategies, ablation.</param>
    /// <param name="space">The search space (exploration bounds; initial points are validated against it).</param>
    /// <param name="initialPoints">One point per member; the population size is their count.</param>
    /// <param name="objective">The metric and its direction.</param>
    /// <param name="stepsPerMember">The training budget of every member (T in the papers).</param>
    /// <param name="runSeed">The run's root seed.</param>
    public PbtScheduler(
        PbtOptions options,
        SearchSpace space,
        IReadOnlyList<HyperparameterSet> initialPoints,
        Objective objective,
        long stepsPerMember,
        ulong runSeed)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        _state = new PopulationState(initialPoints, space, objective, stepsPerMember, options.ReadyInterval, options.MaxTaskRetries, runSeed, options.Stop);
        _rng = new Rng(Seeds.Derive(runSeed, SchedulerPurpose));
    }

    public PbtOptions Options { get; }

    public string Method => "pbt";

    public int Population => _state.Members.Length;

    public long StepsPerMember => _state.StepsPerMember;

    /// <summary>The current synchronous generation (the smallest generation of a running member in asynchronous mode).</summary>
    public int Generation => _state.Generation;

    public IReadOnlyList<RunEvent> InitialEvents => _state.InitialEvents;

    public IReadOnlyList<MemberSnapshot> Members => _state.Snapshots;

    public IReadOnlyList<TrainTask> Pending => _state.Pending;

    public bool IsFinished => _state.IsFinished;

    public IReadOnlyList<RunEvent> Tell(TaskResult result)
    {
        var acceptance = _state.Accept(result, out var member);
        return Options.Mode == PbtMode.Synchronous
            ? TellSynchronous(result, acceptance, member)
            : TellAsynchronous(result, acceptance, member);
    }

    private IReadOnlyList<RunEvent> TellSynchronous(TaskResult result, PopulationState.Acceptance acceptance, MemberState member)
    {
        if (acceptance == PopulationState.Acceptance.Failed)
        {
            _deferred.Add(new MemberFinished(member.Id, member.Step, MemberStopReason.Failed, PopulationState.FailureMessage(result)));
        }

        if (_state.PendingCount > 0)
        {
            return []; // a member still trains this generation (only running members have pending tasks)
        }

        // The barrier: every live member has told its result of this generation.
        var events = new List<RunEvent>();
        events.AddRange(_deferred.OrderBy(e => e.Member));
        _deferred.Clear();
        var live = _state.Running.ToArray();
        if (live.Length == 0)
        {
            return events;
        }

        foreach (var m in live.Where(m => m.Step >= _state.StepsPerMember))
        {
            m.Finish(m.LastDiverged ? MemberStopReason.Diverged : MemberStopReason.Completed, events);
        }

        foreach (var m in _state.Running.ToArray())
        {
            m.FinishIfStopped(events);
        }

        live = _state.Running.ToArray();
        if (live.Length > 0)
        {
            var step = live.Max(m => m.Step);
            var decisions = new Dictionary<int, ExploitDecision>();
            var population = live.Concat(StoppedDonors()).OrderBy(m => m.Id).Select(Score).ToArray();
            var ready = step >= Options.BurnIn;
            if (ready && Options.Ablation != PbtAblation.ExploreOnly)
            {
                foreach (var d in Options.Exploit.DecidePopulation(population, _rng))
                {
                    decisions[d.Member] = d;
                }
            }
            else if (ready)
            {
                foreach (var m in live)
                {
                    decisions[m.Id] = new ExploitDecision(m.Id, null, true);
                }
            }

            Apply(live, population, decisions, events);
            foreach (var m in _state.Running)
            {
                m.Generation++;
                _state.Issue(m);
            }
        }

        return events;
    }

    private IReadOnlyList<RunEvent> TellAsynchronous(TaskResult result, PopulationState.Acceptance acceptance, MemberState member)
    {
        var events = new List<RunEvent>();
        switch (acceptance)
        {
            case PopulationState.Acceptance.Retried:
                return events;
            case PopulationState.Acceptance.Failed:
                events.Add(new MemberFinished(member.Id, member.Step, MemberStopReason.Failed, PopulationState.FailureMessage(result)));
                return events;
        }

        if (member.Step >= _state.StepsPerMember)
        {
            member.Finish(member.LastDiverged ? MemberStopReason.Diverged : MemberStopReason.Completed, events);
            return events;
        }

        if (member.FinishIfStopped(events))
        {
            return events;
        }

        // Algorithm 1: ready(p, t, P) → exploit against the latest known scores of the running members → explore.
        var population = _state.Running.Where(m => m.HasResult).Concat(StoppedDonors()).OrderBy(m => m.Id).Select(Score).ToArray();
        var decisions = new Dictionary<int, ExploitDecision>();
        if (member.Step >= Options.BurnIn)
        {
            decisions[member.Id] = Options.Ablation == PbtAblation.ExploreOnly
                ? new ExploitDecision(member.Id, null, true)
                : Options.Exploit.DecideMember(Score(member), population, _rng);
        }

        Apply([member], population, decisions, events);
        if (member.Status == MemberStatus.Running)
        {
            member.Generation++;
            _state.Issue(member);
        }

        return events;
    }

    /// <summary>
    /// Applies exploit/explore decisions to <paramref name="members"/> in member-id order. Donors are read from their
    /// latest results (checkpoint and the hyperparameters that trained it), never from a copy taken in the same step.
    /// </summary>
    private void Apply(IReadOnlyList<MemberState> members, IReadOnlyList<MemberScore> population, Dictionary<int, ExploitDecision> decisions, List<RunEvent> events)
    {
        var ranked = Ranking.Rank(population);
        foreach (var m in members.OrderBy(m => m.Id))
        {
            decisions.TryGetValue(m.Id, out var decision);
            if (decision?.Donor is { } chosen && (chosen == m.Id || !MayCopy(m, chosen)))
            {
                decision = decision with { Donor = null };
            }

            var finiteBest = ranked.FirstOrDefault(s => double.IsFinite(s.Score) && MayCopy(m, s.Member));
            if (m.LastDiverged && decision?.Donor is null)
            {
                if (finiteBest is null || Options.Ablation == PbtAblation.ExploreOnly)
                {
                    m.Finish(MemberStopReason.Diverged, events, "diverged and no member with a finite score to copy");
                    continue;
                }

                decision = new ExploitDecision(m.Id, finiteBest.Member, decision?.Explore ?? true);
            }

            if (decision is null)
            {
                continue;
            }

            var step = m.Step;
            if (decision.Donor is { } donorId)
            {
                var donor = donorId >= 0 && donorId < _state.Members.Length ? _state.Members[donorId] : null;
                if (donor?.LastCheckpoint is null || !double.IsFinite(donor.LastScore) || !population.Any(p => p.Member == donorId))
                {
                    throw new InvalidOperationException($"Exploit strategy '{Options.Exploit.Name}' chose donor {donorId} for member {m.Id}, which is not a scored member of the population.");
                }

                var before = m.Hyperparameters;
                if (!Options.CopyOptimizerState && !m.LastDiverged && m.LastCheckpoint is not null)
                {
                    // Weights only (Keras set_weights): the receiver keeps its own optimizer state; a diverged one is replaced whole.
                    m.OptimizerStateFrom = m.LastCheckpoint;
                }

                if (donor.Status == MemberStatus.Stopped)
                {
                    m.CopiedStoppedDonors.Add(donorId);
                }

                m.Checkpoint = donor.LastCheckpoint;
                m.Step = donor.LastCheckpoint.Step;
                if (Options.CopyHyperparameters)
                {
                    m.Hyperparameters = donor.LastHyperparameters;
                }

                events.Add(new Exploited(m.Id, step, donorId, donor.LastCheckpoint, before, m.Hyperparameters));
            }

            if (decision.Explore && Options.Ablation != PbtAblation.ExploitOnly)
            {
                _state.Explore(m, Options.Explore, step, _rng, events);
            }

            if (m.Step >= _state.StepsPerMember)
            {
                m.Finish(MemberStopReason.Completed, events);
            }
        }
    }

    private static MemberScore Score(MemberState m) => new(m.Id, m.LastScore, m.LastScoreStep);

    /// <summary>
    /// Whether <paramref name="m"/> may copy <paramref name="donor"/>: a stopped donor at most once per receiver (its
    /// checkpoint is from an earlier step, so copying it again and again could keep the receiver from its budget).
    /// </summary>
    private bool MayCopy(MemberState m, int donor) =>
        donor < 0 || donor >= _state.Members.Length || _state.Members[donor].Status != MemberStatus.Stopped || !m.CopiedStoppedDonors.Contains(donor);

    /// <summary>Stopped members that may still give their weights (<see cref="Stopping.StopConditions.StoppedDonors"/>).</summary>
    private IEnumerable<MemberState> StoppedDonors() =>
        Options.Stop.StoppedDonors
            ? _state.Members.Where(m => m.Status == MemberStatus.Stopped && m.LastCheckpoint is not null && double.IsFinite(m.LastScore))
            : [];
}
