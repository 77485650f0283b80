using Cohort.Engine.Data;

namespace Cohort.Engine.Tests.Data;

public sealed class DatasetTests
{
    private static Dataset Classes() =>
        new("c", [2, 1, 2], [0, 1, 2, 3, 10, 11, 12, 13, 20, 21, 22, 23], [2, 0, 1], 1, TaskKind.Classification, classCount: 3);

    [Fact]
    public void Should_DeriveCountAndSampleSize_When_Constructed()
    {
        var d = Classes();

        Assert.Equal(3, d.Count);
        Assert.Equal(4, d.SampleSize);
        Assert.Equal([2, 1, 2], d.Shape.ToArray());
        Assert.Equal([10f, 11f, 12f, 13f], d.SampleFeatures(1).ToArray());
        Assert.Equal(1f, d.SampleTargets(2)[0]);
    }

    [Fact]
    public void Should_CopyRowsInGivenOrder_When_TakingASubset()
    {
        var d = Classes();

        var s = d.Subset([2, 0], "c/sub");

        Assert.Equal([20f, 21f, 22f, 23f, 0f, 1f, 2f, 3f], s.Features);
        Assert.Equal([1f, 2f], s.Targets);
        s.Features[0] = -1;
        Assert.Equal(20f, d.Features[8]);
    }

    [Fact]
    public void Should_AppendRows_When_Concatenating()
    {
        var d = Classes();

        var all = Dataset.Concat("both", [d, d.Subset([1], "one")]);

        Assert.Equal(4, all.Count);
        Assert.Equal([2f, 0f, 1f, 0f], all.Targets);
    }

    [Fact]
    public void Should_RejectInconsistentArrays_When_Constructed()
    {
        Assert.Throws<ArgumentException>(() => new Dataset("x", [3], new float[7], new float[2], 1, TaskKind.Regression));
        Assert.Throws<ArgumentException>(() => new Dataset("x", [3], new float[6], new float[3], 1, TaskKind.Regression));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Dataset("x", [3], new float[6], new float[2], 1, TaskKind.Classification, classCount: 1));
        Assert.Throws<ArgumentException>(() => new Dataset("x", [3], new float[6], new float[4], 2, TaskKind.Classification, classCount: 4));
    }

    [Fact]
    public void Should_RejectOutOfRangeIndex_When_Gathering()
    {
        var d = Classes();

        Assert.Throws<ArgumentOutOfRangeException>(() => d.Gather([0, 3], new float[8], new float[2]));
    }
}
