using Cohort.Core.Hyperparameters;

namespace Cohort.Core.Scheduling;

/// <summary>
/// Shared engine of the baselines: members train independently, straight to the budget, in tasks of the ready
/// interval (so they are evaluated at the same steps as PBT members and their curves exist); no exploit, no explore.
/// A diverged result finishes the member as Diverged; a failed task is retried, then the member finishes as Failed; a
/// member a stop condition declares done (<see cref="MethodOptions.Stop"/>) finishes early with the condition's reason.
/// Events are returned by the Tell that caused them.
/// </summary>
internal sealed class IndependentEngine(PopulationState state)
{
    public PopulationState State { get; } = state;

    public IReadOnlyList<RunEvent> Tell(TaskResult result)
    {
        var acceptance = State.Accept(result, out var m);
        switch (acceptance)
        {
            case PopulationState.Acceptance.Retried:
                return [];
            case PopulationState.Acceptance.Failed:
                return [new MemberFinished(m.Id, m.Step, MemberStopReason.Failed, PopulationState.FailureMessage(result))];
        }

        if (m.LastDiverged)
        {
            m.Status = MemberStatus.Diverged;
            return [new MemberFinished(m.Id, m.Step, MemberStopReason.Diverged, result.Message ?? "non-finite objective")];
        }

        if (m.Step >= State.StepsPerMember)
        {
            m.Status = MemberStatus.Completed;
            return [new MemberFinished(m.Id, m.Step, MemberStopReason.Completed, null)];
        }

        var events = new List<RunEvent>();
        if (m.FinishIfStopped(events))
        {
            return events;
        }

        m.Generation++;
        State.Issue(m);
        return [];
    }
}

/// <summary>
/// Grid search: one member per grid point (the Cartesian product of the grid values, or given points such as a
/// sub-sampled grid), each trained for the full budget with its fixed hyperparameters (paper 000 sec. 3 baseline).
/// </summary>
public sealed class GridScheduler : IPopulationScheduler
{
    private readonly IndependentEngine _engine;

    /// <param name="options">Ready interval (evaluation spacing) and retries.</param>
    /// <param name="space">The search space; its grid is used when <paramref name="points"/> is null.</param>
    /// <param name="objective">The objective (a non-finite score marks a member diverged).</param>
    /// <param name="stepsPerMember">The budget of every member.</param>
    /// <param name="runSeed">The run's root seed (task seeds derive from it).</param>
    /// <param name="points">The points to train; null for the whole grid.</param>
    public GridScheduler(GridOptions options, SearchSpace space, Objective objective, long stepsPerMember, ulong runSeed, IReadOnlyList<HyperparameterSet>? points = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(space);
        options.Validate();
        var grid = points ?? space.Grid();
        _engine = new IndependentEngine(new PopulationState(grid, space, objective, stepsPerMember, options.ReadyInterval, options.MaxTaskRetries, runSeed, options.Stop));
    }

    public string Method => "grid";

    public int Population => _engine.State.Members.Length;

    public long StepsPerMember => _engine.State.StepsPerMember;

    public IReadOnlyList<RunEvent> InitialEvents => _engine.State.InitialEvents;

    public IReadOnlyList<MemberSnapshot> Members => _engine.State.Snapshots;

    public IReadOnlyList<TrainTask> Pending => _engine.State.Pending;

    public bool IsFinished => _engine.State.IsFinished;

    public IReadOnlyList<RunEvent> Tell(TaskResult result) => _engine.Tell(result);
}

/// <summary>
/// Random search: <c>population</c> points drawn from the priors with Seeds.Derive(runSeed, Purpose("init")) (the same
/// stream as PBT's random initialisation, so both start from the same points), each trained for the full budget.
/// </summary>
public sealed class RandomScheduler : IPopulationScheduler
{
    private readonly IndependentEngine _engine;

    /// <param name="points">The points to train; null to draw <paramref name="population"/> points from the priors.</param>
    public RandomScheduler(RandomOptions options, SearchSpace space, Objective objective, long stepsPerMember, int population, ulong runSeed, IReadOnlyList<HyperparameterSet>? points = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(space);
        options.Validate();
        var initial = points ?? InitialPoints.Create(InitializationKind.Random, space, population, runSeed);
        _engine = new IndependentEngine(new PopulationState(initial, space, objective, stepsPerMember, options.ReadyInterval, options.MaxTaskRetries, runSeed, options.Stop));
    }

    public string Method => "random";

    public int Population => _engine.State.Members.Length;

    public long StepsPerMember => _engine.State.StepsPerMember;

    public IReadOnlyList<RunEvent> InitialEvents => _engine.State.InitialEvents;

    public IReadOnlyList<MemberSnapshot> Members => _engine.State.Snapshots;

    public IReadOnlyList<TrainTask> Pending => _engine.State.Pending;

    public bool IsFinished => _engine.State.IsFinished;

    public IReadOnlyList<RunEvent> Tell(TaskResult result) => _engine.Tell(result);
}
