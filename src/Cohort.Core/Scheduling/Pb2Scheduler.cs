using Cohort.Core.Hyperparameters;

namespace Cohort.Core.Scheduling;

/// <summary>
/// PB2 (<see cref="Pb2Options"/>): a <see cref="PbtScheduler"/> whose explore strategy is <see cref="Pb2.Pb2Explore"/>.
/// Everything PBT promises holds unchanged — synchronous and asynchronous modes, determinism for a seed (all randomness
/// from the run's scheduler generator inside Tell), resume by replaying the stored results, and the same events
/// (Exploited, Explored with operator <c>pb2 …</c>, MemberFinished), so lineage and schedules are read the same way.
/// Only the method name differs.
/// </summary>
public sealed class Pb2Scheduler : IPopulationScheduler
{
    private readonly PbtScheduler _pbt;

    /// <param name="options">PBT's settings plus the GP bandit's.</param>
    /// <param name="space">The search space (the explore bounds; initial points are validated against it).</param>
    /// <param name="initialPoints">One point per member; the population size is their count.</param>
    /// <param name="objective">The metric and its direction.</param>
    /// <param name="stepsPerMember">The training budget of every member.</param>
    /// <param name="runSeed">The run's root seed.</param>
    public Pb2Scheduler(
        Pb2Options options,
        SearchSpace space,
        IReadOnlyList<HyperparameterSet> initialPoints,
        Objective objective,
        long stepsPerMember,
        ulong runSeed)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        _pbt = new PbtScheduler(options.ToPbt(), space, initialPoints, objective, stepsPerMember, runSeed);
    }

    public Pb2Options Options { get; }

    public string Method => "pb2";

    public int Population => _pbt.Population;

    public long StepsPerMember => _pbt.StepsPerMember;

    /// <summary>The current synchronous generation (the smallest generation of a running member in asynchronous mode).</summary>
    public int Generation => _pbt.Generation;

    public IReadOnlyList<RunEvent> InitialEvents => _pbt.InitialEvents;

    public IReadOnlyList<MemberSnapshot> Members => _pbt.Members;

    public IReadOnlyList<TrainTask> Pending => _pbt.Pending;

    public bool IsFinished => _pbt.IsFinished;

    public IReadOnlyList<RunEvent> Tell(TaskResult result) => _pbt.Tell(result);
}
