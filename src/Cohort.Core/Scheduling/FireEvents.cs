using Cohort.Core.Hyperparameters;
using Cohort.Core.Storage;

namespace Cohort.Core.Scheduling;

/// <summary>
/// FIRE PBT (paper 001 sec. 3): <see cref="RunEvent.Member"/> belongs to sub-population <paramref name="SubPopulation"/>
/// (1-based: P1 is the greedy one, Pi with i &gt; 1 are parents), or is an evaluator when it is 0 (the set H).
/// Emitted once per worker, in id order, with the first decisions of the run.
/// </summary>
public sealed record SubPopulationJoined(int Member, long Step, int SubPopulation) : RunEvent(Member, Step)
{
    /// <summary>The <see cref="SubPopulation"/> value of an evaluator.</summary>
    public const int EvaluatorSet = 0;

    /// <summary>True for an evaluator.</summary>
    public bool IsEvaluator => SubPopulation == EvaluatorSet;
}

/// <summary>
/// Evaluator <see cref="RunEvent.Member"/> was assigned to <paramref name="Parent"/> (sec. 3 steps 1–2): it copied the
/// parent's weights <paramref name="Checkpoint"/> and the hyperparameters <paramref name="Hyperparameters"/> of
/// <paramref name="Target"/>, the highest-fitness member of the child sub-population.
/// </summary>
public sealed record EvaluatorStarted(int Member, long Step, int Parent, int Target, CheckpointRef Checkpoint, HyperparameterSet Hyperparameters)
    : RunEvent(Member, Step);

/// <summary>
/// Evaluator success (sec. 3.2): target <see cref="RunEvent.Member"/> discards its weights and copies the evaluator's,
/// <paramref name="Checkpoint"/> (θ_ρchild ← θ_η); it keeps its hyperparameters <paramref name="Hyperparameters"/>.
/// <paramref name="BestScoreDiff"/> and <paramref name="PValue"/> are the statistics the decision was based on.
/// </summary>
public sealed record EvaluatorSucceeded(
    int Member,
    long Step,
    int Evaluator,
    int Parent,
    CheckpointRef Checkpoint,
    HyperparameterSet Hyperparameters,
    double BestScoreDiff,
    double PValue)
    : RunEvent(Member, Step);

/// <summary>
/// Evaluator <see cref="RunEvent.Member"/> stopped evaluating <paramref name="Parent"/> against <paramref name="Target"/>
/// (stopping criteria, a loss in an evolution event, a failure, or the end of training); <paramref name="Reason"/> says why.
/// An evaluator that succeeded stops too, with reason "success".
/// </summary>
public sealed record EvaluatorStopped(int Member, long Step, int Parent, int Target, string Reason) : RunEvent(Member, Step);
