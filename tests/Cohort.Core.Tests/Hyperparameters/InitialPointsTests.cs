using Cohort.Core.Hyperparameters;

namespace Cohort.Core.Tests.Hyperparameters;

public sealed class InitialPointsTests
{
    [Theory]
    [InlineData(6)]
    [InlineData(12)]
    [InlineData(18)]
    [InlineData(24)]
    [InlineData(30)]
    [InlineData(36)]
    public void Should_TakeDistinctGridPointsWithBalancedValues_When_SubsamplingSixBySix(int population)
    {
        var space = SearchSpaceTests.Paper000Grid();
        var grid = space.Grid();

        var points = InitialPoints.SubsampleGrid(space, population);

        Assert.Equal(population, points.Count);
        Assert.Equal(population, points.Distinct().Count());
        Assert.All(points, p => Assert.Contains(p, grid));

        // Figure 2 style: each l1 value and each l2 value is used population / 6 times.
        foreach (var name in new[] { "l1", "l2" })
        {
            var counts = points.GroupBy(p => p.GetNumber(name)).Select(g => g.Count()).ToArray();
            Assert.Equal(6, counts.Length);
            Assert.All(counts, c => Assert.Equal(population / 6, c));
        }
    }

    [Fact]
    public void Should_NestSmallerPopulationsInLarger_When_Subsampling()
    {
        var space = SearchSpaceTests.Paper000Grid();

        for (var n = 1; n < 36; n++)
        {
            var small = InitialPoints.SubsampleGrid(space, n);
            var large = InitialPoints.SubsampleGrid(space, n + 1);
            Assert.Equal(small, large.Take(n));
        }

        Assert.Equal(space.Grid().ToHashSet(), InitialPoints.SubsampleGrid(space, 36).ToHashSet());
        Assert.Throws<ArgumentOutOfRangeException>(() => InitialPoints.SubsampleGrid(space, 37));
    }

    [Fact]
    public void Should_BeDeterministic_When_RandomFromSameSeed()
    {
        var space = SearchSpaceTests.Paper000Grid();

        var a = InitialPoints.Create(InitializationKind.Random, space, 8, 42);
        var b = InitialPoints.Create(InitializationKind.Random, space, 8, 42);
        var c = InitialPoints.Create(InitializationKind.Random, space, 8, 43);

        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        Assert.All(a, space.Validate);
    }

    [Fact]
    public void Should_Throw_When_GridSizeDiffersFromPopulationOrExplicitPointIllegal()
    {
        var space = SearchSpaceTests.Paper000Grid();

        Assert.Throws<ArgumentException>(() => InitialPoints.Create(InitializationKind.Grid, space, 30, 1));
        Assert.Equal(36, InitialPoints.Create(InitializationKind.Grid, space, 36, 1).Count);
        Assert.Throws<ArgumentException>(() => InitialPoints.Explicit(space, [HyperparameterSet.Empty.With("l1", 1.0).With("l2", 0.1)]));
    }
}
