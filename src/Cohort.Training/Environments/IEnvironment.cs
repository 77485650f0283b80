using Cohort.Core.Randomness;

namespace Cohort.Training.Environments;

/// <summary>
/// An episodic control task with a discrete action space, stepped like Gymnasium's <c>Env</c> behind its
/// <c>TimeLimit</c> wrapper: <see cref="Reset"/> starts an episode, <see cref="Step"/> applies an action and reports
/// the reward, termination (a terminal state of the task) and truncation (the time limit). The whole state is a fixed
/// number of doubles (<see cref="GetState"/>/<see cref="SetState"/>), so an agent can checkpoint it mid-episode.
/// Implementations are not thread-safe and allocate nothing per step.
/// </summary>
public interface IEnvironment
{
    /// <summary>The Gymnasium id this environment reproduces, e.g. <c>CartPole-v1</c>.</summary>
    string Name { get; }

    /// <summary>Floats per observation.</summary>
    int ObservationSize { get; }

    /// <summary>Actions are 0 … ActionCount − 1.</summary>
    int ActionCount { get; }

    /// <summary>The time limit: an episode is truncated after this many steps.</summary>
    int MaxEpisodeSteps { get; }

    /// <summary>The return at which the task counts as solved (Gymnasium's <c>reward_threshold</c>).</summary>
    double RewardThreshold { get; }

    /// <summary>The current observation (single precision, as Gymnasium returns it).</summary>
    ReadOnlySpan<float> Observation { get; }

    /// <summary>Steps taken in the current episode.</summary>
    int ElapsedSteps { get; }

    /// <summary>Whether the current episode has ended (terminated or truncated); <see cref="Step"/> then throws.</summary>
    bool IsDone { get; }

    /// <summary>Doubles in <see cref="GetState"/>: the physical state, the elapsed steps and the done flag.</summary>
    int StateLength { get; }

    /// <summary>Starts an episode from a start state drawn from <paramref name="rng"/>.</summary>
    void Reset(Rng rng);

    /// <summary>Applies <paramref name="action"/>; throws when the episode has ended or the action is out of range.</summary>
    EnvironmentStep Step(int action);

    /// <summary>Writes the whole state into <paramref name="destination"/> (length ≥ <see cref="StateLength"/>).</summary>
    void GetState(Span<double> destination);

    /// <summary>
    /// Restores a state written by <see cref="GetState"/>; throws on one that no episode can reach. A physical state
    /// followed by (0, 0) starts an episode from that state (reference trajectories do this).
    /// </summary>
    void SetState(ReadOnlySpan<double> source);
}

/// <summary>What one <see cref="IEnvironment.Step"/> returned.</summary>
/// <param name="Reward">The reward of the transition.</param>
/// <param name="Terminated">The new state is terminal for the task (no bootstrapping past it).</param>
/// <param name="Truncated">The time limit ended the episode (the state is not terminal for the task).</param>
public readonly record struct EnvironmentStep(double Reward, bool Terminated, bool Truncated)
{
    /// <summary>Whether the episode has ended.</summary>
    public bool Done => Terminated || Truncated;
}
