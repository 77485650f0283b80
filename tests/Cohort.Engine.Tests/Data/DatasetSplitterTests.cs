using Cohort.Engine.Data;

namespace Cohort.Engine.Tests.Data;

public sealed class DatasetSplitterTests
{
    /// <summary>Rows whose first feature is the row id; the second is id² (very skewed, so any leak moves the mean).</summary>
    private static Dataset IdRows(int count, Func<int, float>? second = null)
    {
        var features = new float[count * 2];
        var targets = new float[count];
        for (var i = 0; i < count; i++)
        {
            features[2 * i] = i;
            features[2 * i + 1] = second?.Invoke(i) ?? (float)i * i;
            targets[i] = 3f * i + 1f;
        }

        return new Dataset("toy", [2], features, targets, 1, TaskKind.Regression);
    }

    private static int[] Ids(Dataset d, Standardizer? scaler)
    {
        var f = (float[])d.Features.Clone();
        scaler?.Inverse(f);
        return [.. Enumerable.Range(0, d.Count).Select(r => (int)MathF.Round(f[2 * r]))];
    }

    [Fact]
    public void Should_ProduceDisjointCoveringSplitsOfRoundedSizes_When_NoCanonicalTestSet()
    {
        var options = new SplitOptions { ValidationFraction = 0.1, TestFraction = 0.2, Seed = 7, FeatureScaling = FeatureScaling.None };

        var splits = DatasetSplitter.Split(new LoadedData(IdRows(506), null), options);

        Assert.Equal(354, splits.Train.Count);
        Assert.Equal(51, splits.Validation.Count);
        Assert.Equal(101, splits.Test.Count);
        var all = Ids(splits.Train, null).Concat(Ids(splits.Validation, null)).Concat(Ids(splits.Test, null)).ToArray();
        Assert.Equal(Enumerable.Range(0, 506), all.Order());
        Assert.Equal("toy/validation", splits.Validation.Name);
        // Targets travel with their rows.
        Assert.All(Enumerable.Range(0, splits.Test.Count), r => Assert.Equal(3f * splits.Test.Features[2 * r] + 1f, splits.Test.Targets[r]));
    }

    [Fact]
    public void Should_GiveIdenticalSplits_When_SeedIsTheSame()
    {
        var options = new SplitOptions { Seed = 42 };

        var a = DatasetSplitter.Split(new LoadedData(IdRows(300), null), options);
        var b = DatasetSplitter.Split(new LoadedData(IdRows(300), null), options);
        var c = DatasetSplitter.Split(new LoadedData(IdRows(300), null), options with { Seed = 43 });

        Assert.Equal(a.Train.Features, b.Train.Features);
        Assert.Equal(a.Validation.Features, b.Validation.Features);
        Assert.Equal(a.Test.Targets, b.Test.Targets);
        Assert.NotEqual(Ids(a.Test, a.FeatureScaler), Ids(c.Test, c.FeatureScaler));
    }

    [Fact]
    public void Should_PinTheSplit_When_SeedIsFixed()
    {
        var splits = DatasetSplitter.Split(
            new LoadedData(IdRows(20), null),
            new SplitOptions { Seed = 1, ValidationFraction = 0.1, TestFraction = 0.2, FeatureScaling = FeatureScaling.None });

        // Regression pin (reproduced independently in Python: SplitMix64 + Lemire + Fisher–Yates).
        Assert.Equal([0, 4, 10, 13], Ids(splits.Test, null));
        Assert.Equal([5, 14], Ids(splits.Validation, null));
    }

    [Fact]
    public void Should_FitStandardisationOnTrainingRowsOnly_When_Splitting()
    {
        var raw = IdRows(1000);
        var splits = DatasetSplitter.Split(new LoadedData(raw, null), new SplitOptions { Seed = 3, ValidationFraction = 0.25, TestFraction = 0.25 });

        var trainIds = Ids(splits.Train, splits.FeatureScaler);
        var expectedMean = trainIds.Average(i => (double)i * i);
        var allMean = Enumerable.Range(0, 1000).Average(i => (double)i * i);
        Assert.Equal(expectedMean, splits.FeatureScaler!.Mean[1], expectedMean * 1e-6);
        Assert.True(Math.Abs(expectedMean - allMean) > allMean * 1e-3, "the test needs a mean that differs between train and all rows");
        // Standardised training features have mean 0 and std 1 — only if μ and σ came from the training split.
        for (var j = 0; j < 2; j++)
        {
            var column = Enumerable.Range(0, splits.Train.Count).Select(r => (double)splits.Train.Features[2 * r + j]).ToArray();
            Assert.Equal(0.0, column.Average(), 1e-4);
            Assert.Equal(1.0, Math.Sqrt(column.Average(v => v * v)), 1e-4);
        }

        // Validation rows are transformed with the same training statistics.
        var v0 = Ids(splits.Validation, splits.FeatureScaler)[0];
        var expected = (float)((v0 * (double)v0 - splits.FeatureScaler.Mean[1]) / splits.FeatureScaler.Std[1]);
        Assert.Equal(expected, splits.Validation.Features[1], 1e-4f);
        Assert.Null(splits.TargetScaler);
        Assert.Equal(999f * 999f, raw.Features[2 * 999 + 1]); // the loaded data is untouched
    }

    [Fact]
    public void Should_StandardiseTargetsWithTrainingStatistics_When_Requested()
    {
        var splits = DatasetSplitter.Split(
            new LoadedData(IdRows(200), null),
            new SplitOptions { Seed = 5, StandardizeTargets = true });

        Assert.NotNull(splits.TargetScaler);
        Assert.Equal(0.0, splits.Train.Targets.Average(v => (double)v), 1e-5);
        var restored = (float[])splits.Test.Targets.Clone();
        splits.TargetScaler.Inverse(restored);
        var testIds = Ids(splits.Test, splits.FeatureScaler);
        for (var r = 0; r < restored.Length; r++)
        {
            Assert.Equal(3f * testIds[r] + 1f, restored[r], 1e-2f);
        }
    }

    [Fact]
    public void Should_UseCanonicalTestSetAndSplitValidationFromTraining_When_TestSetExists()
    {
        var train = IdRows(100);
        var test = IdRows(30, i => -i);
        var splits = DatasetSplitter.Split(new LoadedData(train, test), new SplitOptions { ValidationFraction = 0.2, TestFraction = 0.5, FeatureScaling = FeatureScaling.None });

        Assert.Equal(80, splits.Train.Count);
        Assert.Equal(20, splits.Validation.Count);
        Assert.Equal(test.Features, splits.Test.Features);
        Assert.Same(test.Features, splits.Test.Features); // unmodified, so not copied
        Assert.Empty(Ids(splits.Train, null).Intersect(Ids(splits.Validation, null)));

        var scaled = DatasetSplitter.Split(new LoadedData(train, test), new SplitOptions { ValidationFraction = 0.2, FeatureScaling = FeatureScaling.PerFeature });

        Assert.NotSame(test.Features, scaled.Test.Features);
        Assert.Equal(-29f, test.Features[2 * 29 + 1]); // the loaded test set is untouched
        Assert.Equal((-29f - scaled.FeatureScaler!.Mean[1]) / scaled.FeatureScaler.Std[1], scaled.Test.Features[2 * 29 + 1], 1e-5f);
    }

    [Fact]
    public void Should_ImputeMissingValuesWithTrainingMedian_When_FeaturesAreNaN()
    {
        // Column 1 is NaN for ids divisible by 4, otherwise the id.
        var data = IdRows(41, i => i % 4 == 0 ? float.NaN : i);
        var splits = DatasetSplitter.Split(new LoadedData(data, null), new SplitOptions { Seed = 9, FeatureScaling = FeatureScaling.None });

        var present = Ids(splits.Train, null).Where(i => i % 4 != 0).Order().Select(i => (double)i).ToArray();
        var median = present.Length % 2 == 1 ? present[present.Length / 2] : (present[present.Length / 2 - 1] + present[present.Length / 2]) / 2;
        Assert.Equal((float)median, splits.ImputedValues![1]);
        foreach (var d in new[] { splits.Train, splits.Validation, splits.Test })
        {
            for (var r = 0; r < d.Count; r++)
            {
                var id = (int)d.Features[2 * r];
                Assert.Equal(id % 4 == 0 ? (float)median : id, d.Features[2 * r + 1]);
            }
        }
    }

    [SharedDataFact]
    public void Should_ImputeAndStandardiseCalifornia_When_LoadedThroughCatalog()
    {
        var splits = DatasetCatalog.Load("california", new DataDirectory(SharedData.Root!), new SplitOptions { Seed = 1 });

        Assert.Equal(20640, splits.Train.Count + splits.Validation.Count + splits.Test.Count);
        Assert.Equal(4128, splits.Test.Count);
        Assert.DoesNotContain(splits.Train.Features, float.IsNaN);
        Assert.DoesNotContain(splits.Test.Features, float.IsNaN);
        Assert.NotNull(splits.ImputedValues);
        Assert.InRange(splits.ImputedValues[4], 400f, 500f); // median total_bedrooms is 435
    }

    [Fact]
    public void Should_Throw_When_FractionsLeaveNoTrainingRows()
    {
        var ex = Assert.Throws<ArgumentException>(() =>
            DatasetSplitter.Split(new LoadedData(IdRows(10), null), new SplitOptions { ValidationFraction = 0.5, TestFraction = 0.5 - 1e-9 }));

        Assert.Contains("leave no training rows", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            DatasetSplitter.Split(new LoadedData(IdRows(10), null), new SplitOptions { ValidationFraction = 1.0 }));
    }
}
