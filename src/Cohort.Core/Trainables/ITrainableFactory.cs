namespace Cohort.Core.Trainables;

/// <summary>Builds fresh trainables for a run. The initial state is a function of <paramref name="seed"/> only.</summary>
public interface ITrainableFactory
{
    /// <summary>The metrics that <see cref="ITrainable.Evaluate"/> reports, for validation of the objective.</summary>
    IReadOnlyList<string> Metrics { get; }

    /// <summary>Whether <see cref="DataSplit.Test"/> evaluations are meaningful (the trainable has a test set).</summary>
    bool HasTestSet { get; }

    ITrainable Create(ulong seed);
}
