using Cohort.Engine.Data;

namespace Cohort.Engine.Tests.Data;

public sealed class KerasSplitterTests
{
    /// <summary>506 rows whose target is the row index and whose two features are (index, 2·index): the split is visible in the targets.</summary>
    private static LoadedData Indexed(int rows = 506)
    {
        var features = new float[rows * 2];
        var targets = new float[rows];
        for (var i = 0; i < rows; i++)
        {
            features[2 * i] = i;
            features[(2 * i) + 1] = 2 * i;
            targets[i] = i;
        }

        return new LoadedData(new Dataset("boston", [2], features, targets, 1, TaskKind.Regression), null);
    }

    [Fact]
    public void Should_TakeKerasRowsInShuffledOrder_When_SplittingBoston()
    {
        // Given Keras's Boston protocol: load_data(test_split=0.2, seed=113), then validation_split=0.3
        var numpy = NumpyRandomStateTests.NumpyPermutation(113, 506);

        // When
        var splits = KerasSplitter.Split(Indexed(), new KerasSplitOptions(0.2, 0.3, 113));

        // Then: 404 = int(506 · 0.8) for Keras's training part, of which the last 122 (from int(404 · 0.7) = 282) validate
        Assert.Equal(282, splits.Train.Count);
        Assert.Equal(122, splits.Validation.Count);
        Assert.Equal(102, splits.Test.Count);
        Assert.Equal(numpy[..282], splits.Train.Targets.Select(t => (int)t));
        Assert.Equal(numpy[282..404], splits.Validation.Targets.Select(t => (int)t));
        Assert.Equal(numpy[404..], splits.Test.Targets.Select(t => (int)t));
    }

    [Fact]
    public void Should_KeepFeaturesRaw_When_NotAskedToStandardize()
    {
        var splits = KerasSplitter.Split(Indexed(), new KerasSplitOptions());

        Assert.Null(splits.FeatureScaler);
        Assert.Null(splits.TargetScaler);
        var row = (int)splits.Train.Targets[0];
        Assert.Equal(new[] { row, 2f * row }, splits.Train.SampleFeatures(0).ToArray());
    }

    [Fact]
    public void Should_StandardizeOnTheTrainingPartOnly_When_Asked()
    {
        var splits = KerasSplitter.Split(Indexed(), new KerasSplitOptions(StandardizeFeatures: true));

        Assert.NotNull(splits.FeatureScaler);
        var first = Enumerable.Range(0, splits.Train.Count).Select(r => (double)splits.Train.SampleFeatures(r)[0]).ToArray();
        Assert.Equal(0.0, first.Average(), 4);
        Assert.NotEqual(0.0, Enumerable.Range(0, splits.Test.Count).Average(r => (double)splits.Test.SampleFeatures(r)[0]), 3);
    }

    [SharedDataFact]
    public void Should_MatchKerasTargets_When_LoadingTheRealBostonFile()
    {
        // keras.datasets.boston_housing.load_data(): y_train[:5] == [15.2, 42.3, 50.0, 21.1, 17.7]
        var raw = DatasetCatalog.LoadRaw("boston", new DataDirectory(SharedData.Root!));

        var splits = KerasSplitter.Split(raw, new KerasSplitOptions());

        Assert.Equal(new[] { 15.2f, 42.3f, 50f, 21.1f, 17.7f }, splits.Train.Targets[..5]);
        Assert.Equal(1.23247f, splits.Train.Features[0], 5);
    }
}
