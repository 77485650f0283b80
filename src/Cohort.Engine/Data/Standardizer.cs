namespace Cohort.Engine.Data;

/// <summary>How features are standardised.</summary>
public enum FeatureScaling
{
    /// <summary>Per feature for tabular data (rank-1 shapes), none for images (already scaled to [0, 1]).</summary>
    Auto,

    /// <summary>Leave the features as loaded.</summary>
    None,

    /// <summary>z-score each feature (each element of the sample shape) separately.</summary>
    PerFeature,

    /// <summary>z-score each channel (the first dimension of the sample shape) over all its positions, as usual for images.</summary>
    PerChannel,
}

/// <summary>
/// z-score standardisation x ↦ (x − μ) / σ with statistics fitted on one dataset (the training split) and applied
/// unchanged to others. Features are grouped: element j of a row belongs to group (j / <see cref="BlockSize"/>) —
/// block size 1 gives one group per feature, block size H·W one group per image channel. Statistics are computed
/// in double; σ is the population standard deviation; a group with σ = 0 (a constant feature) uses σ = 1, so it
/// is only centred.
/// </summary>
public sealed class Standardizer
{
    private readonly float[] _mean;
    private readonly float[] _std;

    public Standardizer(float[] mean, float[] std, int blockSize)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(std);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(blockSize);
        if (mean.Length != std.Length || mean.Length == 0)
        {
            throw new ArgumentException($"Mean ({mean.Length}) and std ({std.Length}) must have the same, positive length.", nameof(std));
        }

        foreach (var s in std)
        {
            if (!(s > 0f) || !float.IsFinite(s))
            {
                throw new ArgumentException($"Standard deviations must be positive and finite, got {s}.", nameof(std));
            }
        }

        _mean = (float[])mean.Clone();
        _std = (float[])std.Clone();
        BlockSize = blockSize;
    }

    /// <summary>Per-group mean μ.</summary>
    public IReadOnlyList<float> Mean => _mean;

    /// <summary>Per-group standard deviation σ (1 where the fitted σ was 0).</summary>
    public IReadOnlyList<float> Std => _std;

    /// <summary>Consecutive row elements that share one group's statistics.</summary>
    public int BlockSize { get; }

    /// <summary>Row width this standardiser applies to: groups × block size.</summary>
    public int RowWidth => _mean.Length * BlockSize;

    /// <summary>Fits statistics on <paramref name="rows"/> (row-major, <paramref name="rowWidth"/> values per row) with <paramref name="blockSize"/> elements per group.</summary>
    public static Standardizer Fit(ReadOnlySpan<float> rows, int rowWidth, int blockSize = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rowWidth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(blockSize);
        if (rowWidth % blockSize != 0)
        {
            throw new ArgumentException($"Row width {rowWidth} is not a multiple of block size {blockSize}.", nameof(blockSize));
        }

        if (rows.Length == 0 || rows.Length % rowWidth != 0)
        {
            throw new ArgumentException($"Cannot fit on {rows.Length} values with row width {rowWidth}.", nameof(rows));
        }

        var groups = rowWidth / blockSize;
        var count = rows.Length / rowWidth;
        var sum = new double[groups];
        for (var r = 0; r < count; r++)
        {
            var row = rows.Slice(r * rowWidth, rowWidth);
            for (var j = 0; j < rowWidth; j++)
            {
                sum[j / blockSize] += row[j];
            }
        }

        var n = (double)count * blockSize;
        var mean = new double[groups];
        for (var g = 0; g < groups; g++)
        {
            mean[g] = sum[g] / n;
        }

        // Two-pass variance for accuracy.
        var squares = new double[groups];
        for (var r = 0; r < count; r++)
        {
            var row = rows.Slice(r * rowWidth, rowWidth);
            for (var j = 0; j < rowWidth; j++)
            {
                var d = row[j] - mean[j / blockSize];
                squares[j / blockSize] += d * d;
            }
        }

        var meanF = new float[groups];
        var stdF = new float[groups];
        for (var g = 0; g < groups; g++)
        {
            meanF[g] = (float)mean[g];
            var std = (float)Math.Sqrt(squares[g] / n);
            stdF[g] = std > 0f && float.IsFinite(std) ? std : 1f;
        }

        return new Standardizer(meanF, stdF, blockSize);
    }

    /// <summary>Standardises <paramref name="rows"/> in place: x ← (x − μ) / σ.</summary>
    public void Apply(Span<float> rows)
    {
        var width = RowWidth;
        if (rows.Length % width != 0)
        {
            throw new ArgumentException($"{rows.Length} values are not whole rows of width {width}.", nameof(rows));
        }

        for (var offset = 0; offset < rows.Length; offset += width)
        {
            var row = rows.Slice(offset, width);
            for (var j = 0; j < width; j++)
            {
                var g = j / BlockSize;
                row[j] = (row[j] - _mean[g]) / _std[g];
            }
        }
    }

    /// <summary>Undoes <see cref="Apply"/> in place: x ← x · σ + μ (e.g. to report predictions in original units).</summary>
    public void Inverse(Span<float> rows)
    {
        var width = RowWidth;
        if (rows.Length % width != 0)
        {
            throw new ArgumentException($"{rows.Length} values are not whole rows of width {width}.", nameof(rows));
        }

        for (var offset = 0; offset < rows.Length; offset += width)
        {
            var row = rows.Slice(offset, width);
            for (var j = 0; j < width; j++)
            {
                var g = j / BlockSize;
                row[j] = row[j] * _std[g] + _mean[g];
            }
        }
    }
}
