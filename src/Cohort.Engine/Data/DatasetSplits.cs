namespace Cohort.Engine.Data;

/// <summary>
/// How a loaded dataset is split and standardised. Where the dataset has a canonical test set (MNIST,
/// Fashion-MNIST, CIFAR-10) it is used as the test split, <see cref="TestFraction"/> is ignored and the validation
/// split is taken from the training set; otherwise (Boston, California) test and validation are both drawn from all
/// rows. Split sizes are round-half-away-from-zero of fraction × rows.
/// </summary>
public sealed record SplitOptions
{
    /// <summary>Fraction of the training pool held out for validation (0 gives an empty validation split).</summary>
    public double ValidationFraction { get; init; } = 0.1;

    /// <summary>Fraction of all rows held out for test, for datasets without a canonical test set.</summary>
    public double TestFraction { get; init; } = 0.2;

    /// <summary>Seed of the split permutation: same seed, same split.</summary>
    public ulong Seed { get; init; }

    /// <summary>Feature standardisation, fitted on the training split only.</summary>
    public FeatureScaling FeatureScaling { get; init; } = FeatureScaling.Auto;

    /// <summary>Whether regression targets are z-scored too (fitted on the training split; see <see cref="DatasetSplits.TargetScaler"/> to undo).</summary>
    public bool StandardizeTargets { get; init; }
}

/// <summary>A dataset as loaded from disk: the training pool and, where the dataset defines one, its canonical test set.</summary>
public sealed record LoadedData(Dataset Training, Dataset? Test);

/// <summary>
/// Train, validation and test splits, already imputed and standardised with statistics of <see cref="Train"/> only.
/// </summary>
/// <param name="Train">The training split.</param>
/// <param name="Validation">The validation split (may be empty: Count 0).</param>
/// <param name="Test">The test split.</param>
/// <param name="FeatureScaler">The feature standardiser fitted on Train, or null when features were left as loaded.</param>
/// <param name="TargetScaler">The target standardiser fitted on Train, or null when targets are in original units.</param>
/// <param name="ImputedValues">Per-feature values that replaced missing (NaN) features — the training-split medians — or null when nothing was missing.</param>
public sealed record DatasetSplits(
    Dataset Train,
    Dataset Validation,
    Dataset Test,
    Standardizer? FeatureScaler,
    Standardizer? TargetScaler,
    IReadOnlyList<float>? ImputedValues);
