using Cohort.Core.Hyperparameters;

namespace Cohort.Core.Trainables;

/// <summary>
/// What PBT trains: one member's model, data and optimizer. The contract that makes tasks pure:
/// the state after <see cref="Train"/> is a function of (state before, hyperparameters applied, steps, seed) only.
/// Implementations are not thread-safe; one worker drives one instance at a time.
/// </summary>
public interface ITrainable : IDisposable
{
    /// <summary>Training steps taken so far (t in paper 000). Part of the state.</summary>
    long Step { get; }

    /// <summary>Sets the live hyperparameters (h). May be called between any two steps.</summary>
    void Apply(HyperparameterSet hyperparameters);

    /// <summary>
    /// Trains <paramref name="steps"/> steps. Every random choice in them (mini-batches, dropout) comes from a
    /// stream derived from <paramref name="seed"/> and the state, so the same call on the same state gives the same result.
    /// </summary>
    void Train(int steps, ulong seed, CancellationToken cancellationToken);

    /// <summary>Evaluates named metrics (for example <c>loss</c>, <c>accuracy</c>) on a split. Does not change the state.</summary>
    IReadOnlyDictionary<string, double> Evaluate(DataSplit split);

    /// <summary>
    /// Writes the full state to <paramref name="destination"/>: everything a later <see cref="Train"/> or
    /// <see cref="Evaluate"/> depends on — weights, optimizer state, <see cref="Step"/>, and anything else that persists
    /// between tasks (an environment's episode in progress, a replay buffer). A random generator's state is not needed:
    /// every <see cref="Train"/> draws its randomness from its own seed. Saving equal states gives equal bytes
    /// (checkpoints are content-addressed, and the runner checks that a copied or loaded state saves to the hash it was
    /// given). <see cref="StateTrainable"/> does all this from registered arrays.
    /// </summary>
    void Save(Stream destination);

    /// <summary>Replaces the full state with one written by <see cref="Save"/> of a trainable built from the same spec.</summary>
    void Load(Stream source);

    /// <summary>Copies the full state of <paramref name="other"/> (same spec) in memory; the fast path of an exploit.</summary>
    void CopyFrom(ITrainable other);
}

/// <summary>Which data a metric is evaluated on.</summary>
public enum DataSplit
{
    Train,
    Validation,
    Test,
}
