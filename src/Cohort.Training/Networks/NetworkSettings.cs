using Cohort.Engine.Models;
using Cohort.Engine.Training;
using Cohort.Spec;

namespace Cohort.Training.Networks;

/// <summary>A network trainable's settings (<c>kind: network</c>).</summary>
/// <param name="Dataset">One of the known dataset names (<see cref="NetworkSection.Datasets"/>).</param>
/// <param name="Model">The architecture.</param>
/// <param name="Optimizer">Default Adam.</param>
/// <param name="BatchSize">Default 32.</param>
/// <param name="ValidationFraction">Share of the training data held out for validation, in (0, 1); default 0.2.</param>
/// <param name="TestFraction">Share held out for test when the dataset has no canonical test split, in [0, 1); default 0.2.</param>
/// <param name="EvalSamples">Cap on validation samples per evaluation; 0 = all.</param>
/// <param name="StandardizeTargets">
/// Regression only: train on targets standardised with the training split's statistics; the <c>mse</c> and <c>rmse</c>
/// metrics stay in the target's own units (<c>loss</c> is in standardised units).
/// </param>
public sealed record NetworkSettings(
    string Dataset,
    NetworkModel Model,
    OptimizerKind Optimizer,
    int BatchSize,
    double ValidationFraction,
    double TestFraction,
    int EvalSamples,
    bool StandardizeTargets = false) : ITrainableSettings
{
    /// <summary>
    /// <c>seeded</c> (default): Cohort's split drawn from the experiment seed. <c>keras</c>: the public Keras code of
    /// paper 000 — rows shuffled by NumPy's RandomState(<see cref="SplitSeed"/>), the first (1 − test_fraction) for
    /// training (Boston: 404 of 506) and the rest for test, then the last validation_fraction of the training part
    /// for validation (Keras validation_split; 0.3: 122 rows), all in shuffled order.
    /// </summary>
    public DataSplitKind Split { get; init; } = DataSplitKind.Seeded;

    /// <summary>NumPy RandomState seed of the <c>keras</c> split (Keras's Boston default: 113).</summary>
    public uint SplitSeed { get; init; } = 113;

    /// <summary>Whether features are z-scored on the training split (default true; false: raw, as Keras loads them).</summary>
    public bool StandardizeFeatures { get; init; } = true;

    /// <summary>Mini-batch order: shuffled (default) or sequential (same batches for every member, no shuffling).</summary>
    public BatchOrder BatchOrder { get; init; } = BatchOrder.Shuffled;

    /// <summary>Whether the <c>loss</c> metric includes the l1/l2 penalty as Keras reports it (default false).</summary>
    public bool LossIncludesPenalty { get; init; }
}

/// <summary>
/// The architecture: <c>mlp</c> (hidden default [64]), <c>fc</c> (the fully connected net, hidden default [1024, 1024]),
/// <c>lenet5</c> (fixed layers; <see cref="Hidden"/> empty) or <c>convnet</c> (shape from hyperparameters; <see cref="Hidden"/> empty).
/// </summary>
public sealed record NetworkModel(NetworkModelKind Kind, SpecList<int> Hidden, ActivationKind Activation, bool Dropout);

/// <summary>The architectures a network trainable builds.</summary>
public enum NetworkModelKind
{
    /// <summary>A multi-layer perceptron.</summary>
    Mlp,

    /// <summary>LeNet-5.</summary>
    Lenet5,

    /// <summary>The fully connected net of paper 000.</summary>
    Fc,

    /// <summary>A LeNet-style conv net whose shape comes from hyperparameters (paper 004 sec. 4.2.3; <see cref="ConvNetShape"/>).</summary>
    Convnet,
}

/// <summary>How a dataset is split into train, validation and test.</summary>
public enum DataSplitKind
{
    /// <summary>Cohort's split, drawn from the experiment seed.</summary>
    Seeded,

    /// <summary>Paper 000's Keras split (see <see cref="NetworkSettings.Split"/>).</summary>
    Keras,
}
