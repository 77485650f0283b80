using Cohort.Core.Trainables;
using Cohort.Engine.Data;

namespace Cohort.TorchSharp;

/// <summary>The dataset a <see cref="DataSplit"/> names.</summary>
internal static class SplitSelection
{
    public static Dataset Of(this DatasetSplits splits, DataSplit split) => split switch
    {
        DataSplit.Train => splits.Train,
        DataSplit.Validation => splits.Validation,
        DataSplit.Test => splits.Test,
        _ => throw new ArgumentOutOfRangeException(nameof(split), split, "Unknown split."),
    };
}
