namespace Cohort.Core.Trainables;

/// <summary>Builds fresh trainables for a run. The initial state is a function of the seed given to <see cref="Create"/> only.</summary>
public interface ITrainableFactory
{
    /// <summary>The metrics that <see cref="ITrainable.Evaluate"/> reports, for validation of the objective.</summary>
    IReadOnlyList<string> Metrics { get; }

    /// <summary>
    /// What the trainables accept (hyperparameter names, types, ranges) and report (metrics). A run whose objective or
    /// initial hyperparameters it rejects is refused before anything trains. The default declares
    /// <see cref="Metrics"/> only and lets any hyperparameter through; override it so that specs naming a hyperparameter
    /// the trainable does not read are rejected.
    /// </summary>
    TrainableDeclaration Declaration => TrainableDeclaration.AnyHyperparameter(GetType().Name, Metrics);

    /// <summary>Whether <see cref="DataSplit.Test"/> evaluations are meaningful (the trainable has a test set).</summary>
    bool HasTestSet { get; }

    /// <summary>
    /// The threads one trainable keeps busy while it trains or evaluates (its kernels' threads, or a framework's
    /// intra-op threads). A host running members in parallel runs at most ⌊cores / this⌋ of them at once, so that
    /// workers × threads do not oversubscribe the machine. The default is 1.
    /// </summary>
    int ThreadsPerTrainable => 1;

    ITrainable Create(ulong seed);
}
