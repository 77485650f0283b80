using Cohort.Core.Hyperparameters;
using Cohort.Core.Randomness;

namespace Cohort.Core.Scheduling;

/// <summary>
/// The genetic algorithm of paper 004 ("Recombination of Artificial Neural Networks") in its PBT mode (sec. 4.3):
/// one GA generation per ready interval, with weights carried by checkpoints. Synchronous: a generation barrier as in
/// synchronous PBT — no task of generation g + 1 is issued before every live member's result of generation g is
/// told; then the generation runs in member-id order with the scheduler's seeded generator and all its events are
/// returned by the Tell that completed it, whatever order the results arrived in.
/// <para>One generation (sec. 3.1, Figure 3; Figure 3 itself is not in our copy of the paper, so where the text is
/// silent the choice is ours and is marked so):</para>
/// <list type="number">
/// <item><b>fom → fitness</b>: <see cref="GaOperators.Fitness"/>, relative to the generation's minfom and maxfom
/// (best 1, worst 0; direction from the <see cref="Objective"/>; diverged 0).</item>
/// <item><b>Probabilistic viability selection</b> (ours: survival probability = fitness): each live member draws
/// u ~ U[0, 1) and survives when u &lt; fitness, so the best always survives, the worst never does. Survivors keep
/// their weights and hyperparameters and train on: generations overlap (sec. 2, PBT as a GA "with overlapping
/// generations"). A member that does not survive is replaced, in its slot, by a child.</item>
/// <item><b>Sexual selection</b> (ours: fitness-proportional among the survivors): the two hyperparameter parents
/// are drawn by <see cref="GaOperators.SelectProportional"/> from the survivors, the second without replacement
/// when there are two or more.</item>
/// <item><b>Crossover</b> (<see cref="GaOperators.Crossover"/>, per-locus rate <see cref="GaOptions.CrossoverRate"/>,
/// one of the two recombinant genotypes kept) then <b>mutation</b> (<see cref="GaOperators.Mutate"/>, per-locus rate
/// <see cref="GaOptions.MutationRate"/>).</item>
/// <item><b>Three parents</b>: the weights parent (<see cref="GaOptions.WeightsParent"/>: a third fitness-proportional
/// draw from the survivors, or the fitter hyperparameter parent) gives its latest checkpoint: the child's next task
/// starts <see cref="TrainTask.From"/> it. Parents' genotypes are the hyperparameters that trained their latest result.
/// One <see cref="Bred"/> event records all three.</item>
/// </list>
/// With <see cref="GaOptions.Demes"/> above 1 every parent is drawn by <see cref="GaDemes.DrawParent"/> (within the
/// child's deme, a migrant from a neighbour with <see cref="GaOptions.MigrationRate"/>); viability selection and fitness
/// stay over the whole generation.
/// Before <see cref="GaOptions.BurnIn"/> steps no selection happens, except that diverged members are replaced.
/// When no member has a finite score the diverged ones finish as Diverged. A member a stop condition declares done
/// (<see cref="MethodOptions.Stop"/>) finishes at the barrier, takes no more tasks and its slot is not refilled; with
/// <see cref="Stopping.StopConditions.StoppedDonors"/> it stays in the breeding pool as a hyperparameter parent (fitness
/// over the live members and it; always a survivor, never replaced) but never gives weights, whose checkpoint is from an
/// earlier step: the weights parent is drawn from the running survivors (a stopped fitter parent gives way to the other;
/// with none running, the child keeps its own weights). Without it, it leaves the population. A failed task is retried
/// <see cref="MethodOptions.MaxTaskRetries"/> times, then the member finishes as Failed. All randomness comes from one
/// generator seeded by Seeds.Derive(runSeed, Purpose("scheduler")), drawn only inside <see cref="Tell"/>.
/// </summary>
public sealed class GaScheduler : IPopulationScheduler
{
    private readonly PopulationState _state;
    private readonly Rng _rng;
    private readonly List<RunEvent> _deferred = [];

    /// <param name="options">Rates, weights-parent choice, ready interval, burn-in.</param>
    /// <param name="space">The search space (bounds for mutation; initial points are validated against it).</param>
    /// <param name="initialPoints">One point per member; the population size is their count.</param>
    /// <param name="objective">The metric and its direction (the fom).</param>
    /// <param name="stepsPerMember">The training budget of every member.</param>
    /// <param name="runSeed">The run's root seed.</param>
    public GaScheduler(
        GaOptions options,
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
        _rng = new Rng(Seeds.Derive(runSeed, PbtScheduler.SchedulerPurpose));
    }

    public GaOptions Options { get; }

    public string Method => "ga";

    public int Population => _state.Members.Length;

    public long StepsPerMember => _state.StepsPerMember;

    /// <summary>The current generation.</summary>
    public int Generation => _state.Generation;

    public IReadOnlyList<RunEvent> InitialEvents => _state.InitialEvents;

    public IReadOnlyList<MemberSnapshot> Members => _state.Snapshots;

    public IReadOnlyList<TrainTask> Pending => _state.Pending;

    public bool IsFinished => _state.IsFinished;

    public IReadOnlyList<RunEvent> Tell(TaskResult result)
    {
        var acceptance = _state.Accept(result, out var member);
        if (acceptance == PopulationState.Acceptance.Failed)
        {
            _deferred.Add(new MemberFinished(member.Id, member.Step, MemberStopReason.Failed, PopulationState.FailureMessage(result)));
        }

        if (_state.Running.Any(m => m.Pending is not null))
        {
            return [];
        }

        // The barrier: every live member has told its result of this generation.
        var events = new List<RunEvent>();
        events.AddRange(_deferred.OrderBy(e => e.Member));
        _deferred.Clear();
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
            return events;
        }

        var donors = Options.Stop.StoppedDonors
            ? _state.Members.Where(m => m.Status == MemberStatus.Stopped && m.LastCheckpoint is not null && double.IsFinite(m.LastScore)).ToArray()
            : [];
        RunGeneration(live.Concat(donors).OrderBy(m => m.Id).ToArray(), live.Max(m => m.Step) >= Options.BurnIn, events);
        foreach (var m in _state.Running)
        {
            m.Generation++;
            _state.Issue(m);
        }

        return events;
    }

    /// <summary>One generation over <paramref name="live"/> (running members, and stopped donors that always survive), in id order.</summary>
    private void RunGeneration(MemberState[] live, bool ready, List<RunEvent> events)
    {
        var fitness = GaOperators.Fitness(live.Select(m => m.LastScore).ToArray());
        var survives = new bool[live.Length];
        for (var i = 0; i < live.Length; i++)
        {
            var finite = double.IsFinite(live[i].LastScore);
            survives[i] = live[i].Status == MemberStatus.Stopped || (ready ? finite && _rng.NextDouble() < fitness[i] : finite);
        }

        var pool = Enumerable.Range(0, live.Length).Where(i => survives[i]).ToArray();
        if (pool.Length == 0)
        {
            // Only reachable when no member has a finite score.
            foreach (var m in live.Where(m => m.Status == MemberStatus.Running))
            {
                m.Finish(MemberStopReason.Diverged, events, "diverged and no member with a finite score to breed from");
            }

            return;
        }

        var poolFitness = pool.Select(i => fitness[i]).ToArray();
        var weightsPool = pool.Where(i => live[i].Status == MemberStatus.Running).ToArray();
        var weightsFitness = weightsPool.Select(i => fitness[i]).ToArray();
        for (var i = 0; i < live.Length; i++)
        {
            if (survives[i])
            {
                continue;
            }

            var child = live[i];
            int a;
            int b;
            int? demeWeights = null;
            if (Options.Demes > 1)
            {
                // Sec. 6.2: selection within the child's deme, a parent from a neighbouring deme with the migration rate.
                var demeOf = live.Select(m => GaDemes.DemeOf(m.Id, _state.Members.Length, Options.Demes)).ToArray();
                var deme = demeOf[i];
                var neighbours = GaDemes.Neighbours(deme, Options.Demes, Options.DemeLayout);
                a = GaDemes.DrawParent(pool, fitness, demeOf, deme, neighbours, Options.MigrationRate, _rng);
                b = pool.Length > 1 ? GaDemes.DrawParent(pool, fitness, demeOf, deme, neighbours, Options.MigrationRate, _rng, exclude: a) : a;
                if (Options.WeightsParent == WeightsParentChoice.FitnessProportional && weightsPool.Length > 0)
                {
                    demeWeights = GaDemes.DrawParent(weightsPool, fitness, demeOf, deme, neighbours, Options.MigrationRate, _rng);
                }
            }
            else
            {
                a = pool[GaOperators.SelectProportional(poolFitness, _rng)];
                if (pool.Length > 1)
                {
                    var rest = pool.Where(j => j != a).ToArray();
                    b = rest[GaOperators.SelectProportional(rest.Select(j => fitness[j]).ToArray(), _rng)];
                }
                else
                {
                    b = a;
                }
            }

            var crossed = new List<string>();
            var mutations = new List<(string Name, MutationKind? Kind)>();
            var genotype = GaOperators.Crossover(live[a].LastHyperparameters, live[b].LastHyperparameters, _state.Space, Options.CrossoverRate, _rng, crossed);
            genotype = GaOperators.Mutate(genotype, _state.Space, Options.MutationRate, _rng, mutations);
            var w = Options.WeightsParent == WeightsParentChoice.BestOfHyperparameterParents
                ? FitterRunning(a, b, i)
                : weightsPool.Length == 0 ? i : demeWeights ?? weightsPool[GaOperators.SelectProportional(weightsFitness, _rng)];
            try
            {
                _state.Space.Validate(genotype);
            }
            catch (ArgumentException ex)
            {
                throw new InvalidOperationException($"Breeding left the search space for member {child.Id}: {ex.Message}", ex);
            }

            var weights = live[w];
            var checkpoint = weights.LastCheckpoint ?? throw new InvalidOperationException($"Weights parent {weights.Id} has no checkpoint.");
            var step = child.Step;
            var before = child.Hyperparameters;
            child.Checkpoint = checkpoint;
            child.Step = checkpoint.Step;
            child.Hyperparameters = genotype;
            var operators = string.Join(
                " ",
                new[] { "crossover:" + (crossed.Count == 0 ? "none" : string.Join(",", crossed)) }
                    .Concat(mutations.Select(x => "mutate:" + x.Name + (x.Kind is { } k ? GaOperators.Describe(k) : "resample"))));
            events.Add(new Bred(child.Id, step, live[a].Id, live[b].Id, weights.Id, checkpoint, before, genotype, operators));
            if (child.Step >= _state.StepsPerMember)
            {
                child.Finish(MemberStopReason.Completed, events);
            }
        }

        // The fitter of the two hyperparameter parents gives the weights (ties to the smaller id); a stopped one gives
        // way to the other, and with both stopped the child keeps its own.
        int FitterRunning(int a, int b, int child)
        {
            var fitter = fitness[b] > fitness[a] || (fitness[b] == fitness[a] && live[b].Id < live[a].Id) ? b : a;
            var other = fitter == a ? b : a;
            return live[fitter].Status == MemberStatus.Running ? fitter
                : live[other].Status == MemberStatus.Running ? other
                : child;
        }
    }
}
