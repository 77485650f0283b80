namespace Cohort.Engine.Data;

/// <summary>
/// Seeded train/validation/test splits with imputation and standardisation fitted on the training split only.
/// Order of operations: (1) a seeded permutation of the training pool picks the held-out rows (each split keeps
/// the original row order); (2) missing features (NaN, e.g. California's empty total_bedrooms) are replaced by the
/// training split's per-feature median in every split; (3) features, and optionally regression targets, are
/// z-scored with the training split's mean and standard deviation in every split.
/// </summary>
public static class DatasetSplitter
{
    private const ulong SplitPurpose = 0x53504C4954UL; // "SPLIT"

    /// <summary>
    /// Splits <paramref name="data"/> as <paramref name="options"/> says. The inputs are not modified; a canonical
    /// test set that needs no imputation or scaling shares its arrays with the returned test split.
    /// </summary>
    public static DatasetSplits Split(LoadedData data, SplitOptions options)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        var pool = data.Training;
        var hasTest = data.Test is not null;
        CheckFraction(options.ValidationFraction, nameof(options.ValidationFraction));
        var testFraction = hasTest ? 0.0 : options.TestFraction;
        CheckFraction(testFraction, nameof(options.TestFraction));
        var n = pool.Count;
        var testCount = (int)Math.Round(n * testFraction, MidpointRounding.AwayFromZero);
        var validationCount = (int)Math.Round(n * options.ValidationFraction, MidpointRounding.AwayFromZero);
        var trainCount = n - testCount - validationCount;
        if (trainCount <= 0)
        {
            throw new ArgumentException(
                $"Fractions validation {options.ValidationFraction} and test {testFraction} of {n} rows leave no training rows.", nameof(options));
        }

        var permutation = new int[n];
        for (var i = 0; i < n; i++)
        {
            permutation[i] = i;
        }

        var random = DataRandom.Derive(options.Seed, SplitPurpose, 0);
        random.Shuffle(permutation);
        var testIndices = permutation.AsSpan(0, testCount).ToArray();
        var validationIndices = permutation.AsSpan(testCount, validationCount).ToArray();
        var trainIndices = permutation.AsSpan(testCount + validationCount).ToArray();
        Array.Sort(testIndices);
        Array.Sort(validationIndices);
        Array.Sort(trainIndices);

        var baseName = pool.Name;
        var slash = baseName.IndexOf('/', StringComparison.Ordinal);
        if (slash > 0)
        {
            baseName = baseName[..slash];
        }

        var featureMode = ResolveScaling(pool, options.FeatureScaling);
        var scaleTargets = options.StandardizeTargets && pool.Task == TaskKind.Regression;
        var train = pool.Subset(trainIndices, baseName + "/train");
        var validation = pool.Subset(validationIndices, baseName + "/validation");
        Dataset test;
        if (data.Test is { } canonical)
        {
            // The canonical test set is copied only if it is going to be modified; otherwise it shares the loaded arrays.
            var modified = featureMode != FeatureScaling.None || scaleTargets || HasNaN(canonical.Features) || HasNaN(pool.Features);
            test = modified
                ? canonical.Clone(baseName + "/test")
                : new Dataset(baseName + "/test", canonical.Shape, canonical.Features, canonical.Targets, canonical.TargetWidth, canonical.Task, canonical.ClassCount, canonical.FeatureNames);
        }
        else
        {
            test = pool.Subset(testIndices, baseName + "/test");
        }

        if (test.SampleSize != train.SampleSize || test.TargetWidth != train.TargetWidth || test.Task != train.Task)
        {
            throw new ArgumentException($"Test set '{test.Name}' does not match the training set in shape or task.", nameof(data));
        }

        var imputed = Impute(train, validation, test);
        var featureScaler = FitFeatures(train, featureMode);
        if (featureScaler is not null)
        {
            featureScaler.Apply(train.Features);
            featureScaler.Apply(validation.Features);
            featureScaler.Apply(test.Features);
        }

        Standardizer? targetScaler = null;
        if (scaleTargets)
        {
            targetScaler = Standardizer.Fit(train.Targets, train.TargetWidth);
            targetScaler.Apply(train.Targets);
            targetScaler.Apply(validation.Targets);
            targetScaler.Apply(test.Targets);
        }

        return new DatasetSplits(train, validation, test, featureScaler, targetScaler, imputed);
    }

    private static void CheckFraction(double value, string name)
    {
        if (!(value >= 0.0 && value < 1.0))
        {
            throw new ArgumentOutOfRangeException(name, value, "A split fraction must lie in [0, 1).");
        }
    }

    private static FeatureScaling ResolveScaling(Dataset pool, FeatureScaling scaling) =>
        scaling == FeatureScaling.Auto
            ? (pool.Shape.Length == 1 ? FeatureScaling.PerFeature : FeatureScaling.None)
            : scaling;

    private static Standardizer? FitFeatures(Dataset train, FeatureScaling mode)
    {
        var shape = train.Shape;
        return mode switch
        {
            FeatureScaling.None => null,
            FeatureScaling.PerFeature => Standardizer.Fit(train.Features, train.SampleSize),
            FeatureScaling.PerChannel => Standardizer.Fit(train.Features, train.SampleSize, train.SampleSize / shape[0]),
            _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown feature scaling."),
        };
    }

    /// <summary>Replaces NaN features in all splits with the training split's per-feature median (NaNs excluded).</summary>
    private static float[]? Impute(Dataset train, Dataset validation, Dataset test)
    {
        if (!HasNaN(train.Features) && !HasNaN(validation.Features) && !HasNaN(test.Features))
        {
            return null;
        }

        var width = train.SampleSize;
        var medians = new float[width];
        var column = new List<float>(train.Count);
        for (var j = 0; j < width; j++)
        {
            column.Clear();
            for (var r = 0; r < train.Count; r++)
            {
                var v = train.Features[r * width + j];
                if (!float.IsNaN(v))
                {
                    column.Add(v);
                }
            }

            if (column.Count == 0)
            {
                throw new DatasetException(train.Name, $"feature {j} is missing in every training row; cannot impute it");
            }

            column.Sort();
            var mid = column.Count / 2;
            medians[j] = column.Count % 2 == 1 ? column[mid] : (float)((column[mid - 1] + (double)column[mid]) / 2.0);
        }

        foreach (var d in new[] { train, validation, test })
        {
            var f = d.Features;
            for (var i = 0; i < f.Length; i++)
            {
                if (float.IsNaN(f[i]))
                {
                    f[i] = medians[i % width];
                }
            }
        }

        return medians;
    }

    private static bool HasNaN(float[] values)
    {
        foreach (var v in values)
        {
            if (float.IsNaN(v))
            {
                return true;
            }
        }

        return false;
    }
}
