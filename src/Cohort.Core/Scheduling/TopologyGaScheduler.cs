using Cohort.Core.Hyperparameters;
using Cohort.Core.Randomness;

namespace Cohort.Core.Scheduling;

/// <summary>
/// Paper 004's genetic algorithm in topology mode (sec. 4.2, "HPO with topology"): no weight inheritance. Every
/// individual trains from scratch (its tasks start from no checkpoint at step 0, so its hyperparameters may change the
/// network's shape) in ready-sized tasks until its fom is known: with a <see cref="GaOptions.Target"/>, until the target
/// counts as reached (<see cref="TimeToTarget"/>, two successive evaluations, sec. 4.2.3) or the step cap
/// (<see cref="IPopulationScheduler.StepsPerMember"/>); without one, to the step cap. When every individual of the
/// generation has its fom, one GA generation runs with the same operators as <see cref="GaScheduler"/>:
/// <list type="number">
/// <item>fom: with a target, −(time to target) (a lower time is better), and an individual that did not reach it has
/// fitness 0 (ours); when none reached it, the objective's final value (so selection still has a signal).
/// <see cref="GaOperators.Fitness"/> maps it relative to the generation's min and max.</item>
/// <item>Viability selection (survive when u &lt; fitness); a survivor keeps its fom and does not retrain
/// (overlapping generations, ours); a non-survivor's slot gets a child.</item>
/// <item>Sexual selection, crossover and mutation as in PBT mode (demes too, <see cref="GaDemes"/>); the child has no
/// weights parent: <see cref="Bred.WeightsParent"/> is −1 and <see cref="Bred.Checkpoint"/> null.</item>
/// </list>
/// A stop condition (<see cref="MethodOptions.Stop"/>) that declares an individual done ends its training as the step
/// cap does (its fom is taken there: not reached, with a target); the slot lives on, so members finish only at the end.
/// The run ends after <see cref="GaOptions.Generations"/> generations (the first, random one, included). Total training
/// is at most population × generations × the step cap. Task seeds are Seeds.Derive(runSeed, member, ordinal,
/// Purpose("train")) with the member's ordinal counting over all its individuals; the initial weights of an individual
/// come from the trainable factory's per-member seed and its hyperparameters. All GA randomness comes from one
/// generator seeded by Seeds.Derive(runSeed, Purpose("scheduler")), drawn only inside <see cref="Tell"/>.
/// <see cref="TopologyIndividual.FromResults"/> reads the individuals back from the results.
/// </summary>
public sealed class TopologyGaScheduler : IPopulationScheduler
{
    private readonly PopulationState _state;
    private readonly Rng _rng;
    private readonly Slot[] _slots;
    private int _generation;

    /// <param name="options">Topology-mode options (<see cref="GaOptions.Mode"/> must be <see cref="GaMode.Topology"/>).</param>
    /// <param name="space">The search space (bounds for mutation).</param>
    /// <param name="initialPoints">One point per member slot; the population size is their count.</param>
    /// <param name="objective">The validation metric and its direction.</param>
    /// <param name="stepCap">The most steps one individual trains.</param>
    /// <param name="runSeed">The run's root seed.</param>
    public TopologyGaScheduler(
        GaOptions options,
        SearchSpace space,
        IReadOnlyList<HyperparameterSet> initialPoints,
        Objective objective,
        long stepCap,
        ulong runSeed)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (options.Mode != GaMode.Topology)
        {
            throw new ArgumentException($"The topology scheduler needs GA mode topology (got {options.Mode}).", nameof(options));
        }

        Options = options;
        _state = new PopulationState(initialPoints, space, objective, stepCap, options.ReadyInterval, options.MaxTaskRetries, runSeed, options.Stop);
        _rng = new Rng(Seeds.Derive(runSeed, PbtScheduler.SchedulerPurpose));
        _slots = _state.Members.Select(_ => new Slot()).ToArray();
    }

    public GaOptions Options { get; }

    public string Method => "ga";

    public int Population => _state.Members.Length;

    /// <summary>The step cap of one individual.</summary>
    public long StepsPerMember => _state.StepsPerMember;

    /// <summary>The current generation (0-based).</summary>
    public int Generation => _generation;

    public IReadOnlyList<RunEvent> InitialEvents => _state.InitialEvents;

    public IReadOnlyList<MemberSnapshot> Members => _state.Snapshots;

    public IReadOnlyList<TrainTask> Pending => _state.Pending;

    public bool IsFinished => _state.IsFinished;

    public IReadOnlyList<RunEvent> Tell(TaskResult result)
    {
        var acceptance = _state.Accept(result, out var member);
        var slot = _slots[member.Id];
        if (acceptance == PopulationState.Acceptance.Retried)
        {
            return [];
        }

        if (acceptance == PopulationState.Acceptance.Failed)
        {
            // The individual failed; the slot lives on (its next child trains from scratch).
            member.Status = MemberStatus.Running;
            member.Failures = 0;
            slot.Done = true;
            slot.Fom = double.NegativeInfinity;
            slot.FinalScore = double.NegativeInfinity;
        }
        else
        {
            var value = result.Outcome == TaskOutcome.Completed && result.Validation.TryGetValue(_state.Objective.Metric, out var v) ? v : double.NaN;
            slot.Values.Add(value);
            slot.Times.Add(result.Outcome == TaskOutcome.Completed ? TimeToTarget.TaskTime(result, Options.Time) : result.Task.Steps);
            slot.FinalScore = member.LastScore;
            if (!double.IsFinite(member.LastScore))
            {
                slot.Done = true;
                slot.Fom = double.NegativeInfinity;
            }
            else if (Options.Target is { } target && TimeToTarget.Time(slot.Values, slot.Times, target, _state.Objective.Mode) is { } time)
            {
                slot.Done = true;
                slot.Fom = -time;
                slot.Reached = true;
            }
            else if (member.Step >= _state.StepsPerMember || member.StopVerdict is not null)
            {
                slot.Done = true;
                slot.Fom = Options.Target is null ? member.LastScore : double.NegativeInfinity;
            }
            else
            {
                _state.Issue(member);
                return [];
            }
        }

        if (!_slots.All(s => s.Done) || _state.Members.Any(m => m.Pending is not null))
        {
            return [];
        }

        var events = new List<RunEvent>();
        while (true)
        {
            if (_generation + 1 >= Options.Generations)
            {
                foreach (var m in _state.Members)
                {
                    var diverged = !double.IsFinite(_slots[m.Id].FinalScore);
                    m.Finish(diverged ? MemberStopReason.Diverged : MemberStopReason.Completed, events, diverged ? "the last individual diverged or failed" : null);
                }

                return events;
            }

            _generation++;
            var bred = RunGeneration(events);
            foreach (var m in _state.Members)
            {
                m.Generation = _generation;
            }

            if (bred)
            {
                return events;
            }
        }
    }

    /// <summary>One GA generation over the finished individuals; returns whether any child was bred (and issued).</summary>
    private bool RunGeneration(List<RunEvent> events)
    {
        var members = _state.Members;
        var anyReached = _slots.Any(s => s.Reached);
        var scores = _slots.Select(s => Options.Target is null || anyReached ? s.Fom : s.FinalScore).ToArray();
        var fitness = GaOperators.Fitness(scores);
        var survives = new bool[members.Length];
        for (var i = 0; i < members.Length; i++)
        {
            survives[i] = double.IsFinite(scores[i]) && _rng.NextDouble() < fitness[i];
        }

        var pool = Enumerable.Range(0, members.Length).Where(i => survives[i]).ToArray();
        if (pool.Length == 0)
        {
            // Nobody survived (no finite fom, or chance): breed from everyone, fitness-proportionally.
            pool = Enumerable.Range(0, members.Length).ToArray();
        }

        var demeOf = members.Select(m => GaDemes.DemeOf(m.Id, members.Length, Options.Demes)).ToArray();
        var bred = false;
        for (var i = 0; i < members.Length; i++)
        {
            if (survives[i])
            {
                continue;
            }

            var neighbours = GaDemes.Neighbours(demeOf[i], Options.Demes, Options.DemeLayout);
            var a = GaDemes.DrawParent(pool, fitness, demeOf, demeOf[i], neighbours, Options.MigrationRate, _rng);
            var b = pool.Length > 1 ? GaDemes.DrawParent(pool, fitness, demeOf, demeOf[i], neighbours, Options.MigrationRate, _rng, exclude: a) : a;
            var crossed = new List<string>();
            var mutations = new List<(string Name, MutationKind? Kind)>();
            var genotype = GaOperators.Crossover(_slots[a].Hyperparameters(members[a]), _slots[b].Hyperparameters(members[b]), _state.Space, Options.CrossoverRate, _rng, crossed);
            genotype = GaOperators.Mutate(genotype, _state.Space, Options.MutationRate, _rng, mutations);
            _state.Space.Validate(genotype);
            var child = members[i];
            var before = _slots[i].Hyperparameters(child);
            var operators = string.Join(
                " ",
                new[] { "crossover:" + (crossed.Count == 0 ? "none" : string.Join(",", crossed)) }
                    .Concat(mutations.Select(x => "mutate:" + x.Name + (x.Kind is { } k ? GaOperators.Describe(k) : "resample"))));
            events.Add(new Bred(child.Id, child.Step, members[a].Id, members[b].Id, Bred.NoWeightsParent, null, before, genotype, operators));
            child.Hyperparameters = genotype;
            child.LastHyperparameters = genotype;
            child.Checkpoint = null;
            child.Step = 0;
            child.Generation = _generation;
            child.Evaluations.Clear();
            child.StopVerdict = null;
            _slots[i] = new Slot();
            _state.Issue(child);
            bred = true;
        }

        return bred;
    }

    /// <summary>The current individual of a member slot.</summary>
    private sealed class Slot
    {
        public List<double> Values { get; } = [];

        public List<double> Times { get; } = [];

        public bool Done { get; set; }

        public bool Reached { get; set; }

        /// <summary>Higher is better: −time to target, or the final score (no target); −∞ when it has none.</summary>
        public double Fom { get; set; } = double.NegativeInfinity;

        public double FinalScore { get; set; } = double.NegativeInfinity;

        public HyperparameterSet Hyperparameters(MemberState member) => member.LastHyperparameters;
    }
}
