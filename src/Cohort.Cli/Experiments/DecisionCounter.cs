using Cohort.Core.Scheduling;

namespace Cohort.Cli.Experiments;

/// <summary>
/// A scheduler seen through a counter: every call goes to the wrapped scheduler unchanged, and the decisions its
/// <see cref="IScheduler.Tell"/> returns are counted for the live display — exploits (<see cref="Exploited"/>, a bred
/// child that inherits weights, an evaluator whose weights are handed on) and explores. Replayed results are told
/// too, so a resumed run's counts include the decisions taken before the interruption. The counts are read from the
/// display's thread.
/// </summary>
internal sealed class DecisionCounter(IPopulationScheduler inner) : IPopulationScheduler
{
    private int _exploits;
    private int _explores;

    /// <summary>Weight exchanges so far.</summary>
    public int Exploits => Volatile.Read(ref _exploits);

    /// <summary>Hyperparameter changes so far.</summary>
    public int Explores => Volatile.Read(ref _explores);

    public string Method => inner.Method;

    public IReadOnlyList<TrainTask> Pending => inner.Pending;

    public bool IsFinished => inner.IsFinished;

    public int Population => inner.Population;

    public long StepsPerMember => inner.StepsPerMember;

    public IReadOnlyList<RunEvent> InitialEvents => inner.InitialEvents;

    public IReadOnlyList<MemberSnapshot> Members => inner.Members;

    public IReadOnlyList<RunEvent> Tell(TaskResult result)
    {
        var events = inner.Tell(result);
        foreach (var e in events)
        {
            switch (e)
            {
                case Exploited:
                case Bred { Checkpoint: not null }:
                case EvaluatorSucceeded:
                    Interlocked.Increment(ref _exploits);
                    break;
                case Explored:
                    Interlocked.Increment(ref _explores);
                    break;
            }
        }

        return events;
    }
}
