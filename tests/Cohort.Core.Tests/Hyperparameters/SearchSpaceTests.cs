using Cohort.Core.Hyperparameters;
using Cohort.Core.Randomness;

namespace Cohort.Core.Tests.Hyperparameters;

public sealed class SearchSpaceTests
{
    internal static SearchSpace Paper000Grid() => new(
        new FloatParameter("l1", 0.01, 0.2, ParameterScale.Log, GridCount: 6),
        new FloatParameter("l2", 0.01, 0.2, ParameterScale.Log, GridCount: 6));

    [Fact]
    public void Should_BuildRowMajorCartesianProduct_When_GridRequested()
    {
        var space = new SearchSpace(
            new FloatParameter("a", 0, 1, Grid: [0.1, 0.2]),
            new CategoricalParameter("c", ["x", "y", "z"]),
            new ConstantParameter("k", 32));

        var grid = space.Grid();

        Assert.Equal(6, grid.Count);
        Assert.Equal(6L, space.GridSize);
        Assert.Equal(0.1, grid[0].GetNumber("a"));
        Assert.Equal("x", grid[0].GetCategory("c"));
        Assert.Equal("y", grid[1].GetCategory("c"));
        Assert.Equal(0.2, grid[3].GetNumber("a"));
        Assert.All(grid, p => Assert.Equal(32, p.GetNumber("k")));
        Assert.Equal(6, grid.Distinct().Count());
    }

    [Fact]
    public void Should_LogSpaceGridCount_When_ScaleIsLog()
    {
        var values = Paper000Grid()["l1"].GridValues().Select(v => v.Number).ToArray();

        // Paper 000 sec. 4.1.1: [0.01, 0.01825, 0.0331, 0.0603, 0.1099, 0.2].
        Assert.Equal(6, values.Length);
        Assert.Equal(0.01, values[0]);
        Assert.Equal(0.2, values[5]);
        Assert.Equal(0.0182, values[1], 3);
        Assert.Equal(0.06034176336545162, values[3], 10);
        Assert.Equal(0.1099, values[4], 3);
    }

    [Fact]
    public void Should_KeepIntegersWhole_When_SamplingAndGridding()
    {
        var p = new IntegerParameter("width", 1, 100, ParameterScale.Log, GridCount: 5);
        var rng = new Rng(3);
        for (var i = 0; i < 500; i++)
        {
            var v = p.Sample(rng).Number;
            Assert.Equal(Math.Round(v), v);
            Assert.InRange(v, 1, 100);
        }

        Assert.All(p.GridValues(), v => Assert.Equal(Math.Round(v.Number), v.Number));
    }

    [Theory]
    [InlineData(1.0, 0.5, "bounds")]
    [InlineData(0.0, 1.0, "log")]
    public void Should_ThrowNamingParameter_When_FloatInvalid(double lower, double upper, string expected)
    {
        var ex = Assert.Throws<ArgumentException>(() => new SearchSpace(new FloatParameter("lr", lower, upper, ParameterScale.Log)));

        Assert.Contains("'lr'", ex.Message, StringComparison.Ordinal);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Throw_When_GridValueOutOfBoundsOrEmptyOrDuplicateName()
    {
        var outOfBounds = Assert.Throws<ArgumentException>(() => new SearchSpace(new FloatParameter("l1", 0, 1, Grid: [0.5, 2.0])));
        Assert.Contains("'l1'", outOfBounds.Message, StringComparison.Ordinal);
        Assert.Contains("2", outOfBounds.Message, StringComparison.Ordinal);

        Assert.Throws<ArgumentException>(() => new SearchSpace(new FloatParameter("l1", 0, 1, Grid: [])));
        Assert.Throws<ArgumentException>(() => new SearchSpace(new CategoricalParameter("opt", ["adam", "adam"])));
        Assert.Throws<ArgumentException>(() => new SearchSpace(new FloatParameter("a", 0, 1), new FloatParameter("a", 0, 2)));
        Assert.Throws<ArgumentException>(() => new SearchSpace(new IntegerParameter("n", 0.5, 3)));
    }

    [Fact]
    public void Should_ThrowNamingParameter_When_GridMissing()
    {
        var space = new SearchSpace(new FloatParameter("lr", 0.001, 0.1, ParameterScale.Log));

        var ex = Assert.Throws<InvalidOperationException>(() => space.Grid());

        Assert.Contains("'lr'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_SampleLogUniformly_When_PriorIsLogUniform()
    {
        var p = new FloatParameter("lr", 1e-4, 1, ParameterScale.Log);
        var rng = new Rng(11);
        var belowMiddle = 0;
        const int N = 20000;
        for (var i = 0; i < N; i++)
        {
            if (p.Sample(rng).Number < 1e-2)
            {
                belowMiddle++;
            }
        }

        // Log-uniform on [1e-4, 1]: P(x < 1e-2) = 0.5 (uniform would give 0.01).
        Assert.InRange(belowMiddle / (double)N, 0.48, 0.52);
    }

    [Fact]
    public void Should_RejectPoint_When_ValueIllegal()
    {
        var space = Paper000Grid();

        var ex = Assert.Throws<ArgumentException>(() => space.Validate(HyperparameterSet.Empty.With("l1", 0.5).With("l2", 0.1)));

        Assert.Contains("'l1'", ex.Message, StringComparison.Ordinal);
        space.Validate(HyperparameterSet.Empty.With("l1", 0.05).With("l2", 0.1));
    }

    [Theory]
    [InlineData(0, 9223372036854775808.0)]
    [InlineData(-9223372036854775808.0, 9223372036854775808.0)]
    [InlineData(-double.MaxValue, double.MaxValue)]
    public void Should_SampleAndGridInsideTheBounds_When_AnIntegerRangeIsBeyondInt32(double lower, double upper)
    {
        // Given an integer wider than int.MaxValue (sampling used to overflow a checked int conversion)
        var p = new IntegerParameter("n", lower, upper, GridCount: 5);
        var rng = new Rng(4);

        // When sampled and gridded / Then every value is a whole number inside the bounds, and not only the bounds
        var samples = Enumerable.Range(0, 100).Select(_ => p.Sample(rng)).ToArray();
        Assert.All(samples.Concat(p.GridValues()), v => Assert.True(p.Contains(v), v.ToString()));
        Assert.Contains(samples, v => v.Number > lower && v.Number < upper);
        Assert.Equal(5, p.GridValues().Count);
    }

    [Fact]
    public void Should_SampleAndGridFiniteValues_When_AFloatRangeSpansAllDoubles()
    {
        // Given [-MaxValue, MaxValue], whose width Upper - Lower is infinite
        var p = new FloatParameter("x", -double.MaxValue, double.MaxValue, GridCount: 3, Boundary: BoundaryPolicy.Reflect);
        var rng = new Rng(8);

        // When / Then: samples spread inside, the grid's middle is 0, and reflection of an out-of-range value is finite
        var samples = Enumerable.Range(0, 100).Select(_ => p.Sample(rng).Number).ToArray();
        Assert.All(samples, x => Assert.True(double.IsFinite(x)));
        Assert.Contains(samples, x => x < 0);
        Assert.Contains(samples, x => x > 0);
        Assert.Equal([-double.MaxValue, 0, double.MaxValue], p.GridValues().Select(v => v.Number));
        var narrow = new FloatParameter("y", 1e300, double.MaxValue, Boundary: BoundaryPolicy.Reflect);
        Assert.InRange(narrow.Fit(0.5e300), 1.5e300 * (1 - 1e-12), 1.5e300 * (1 + 1e-12)); // 2·lower − x
        Assert.True(narrow.Contains(HyperValue.Of(narrow.Fit(-double.MaxValue))));
    }
}
