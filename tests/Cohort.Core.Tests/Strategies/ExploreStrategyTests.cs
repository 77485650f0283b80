using Cohort.Core.Hyperparameters;
using Cohort.Core.Randomness;
using Cohort.Core.Strategies;

namespace Cohort.Core.Tests.Strategies;

public sealed class PerturbExploreTests
{
    private static readonly SearchSpace s_space = new(
        new FloatParameter("lr", 1e-4, 0.1, ParameterScale.Log, Boundary: BoundaryPolicy.Reflect),
        new FloatParameter("drop", 0, 0.9),
        new IntegerParameter("width", 1, 64, Boundary: BoundaryPolicy.Reflect),
        new CategoricalParameter("opt", ["sgd", "momentum", "adam", "adamw"]),
        new ConstantParameter("batch", 32));

    private static HyperparameterSet Start(Rng rng) => s_space.Sample(rng);

    [Theory]
    [InlineData(BoundaryPolicy.Clamp)]
    [InlineData(BoundaryPolicy.Reflect)]
    public void Should_StayInBoundsAndTyped_When_PerturbedRepeatedly(BoundaryPolicy policy)
    {
        var space = new SearchSpace(
            new FloatParameter("lr", 1e-4, 0.1, ParameterScale.Log, Boundary: policy),
            new FloatParameter("drop", 0, 0.9, Boundary: policy),
            new IntegerParameter("width", 1, 64, Boundary: policy),
            new CategoricalParameter("opt", ["sgd", "momentum", "adam", "adamw"]),
            new ConstantParameter("batch", 32));
        var explore = new PerturbExplore(PerturbExplore.Paper000Factors, 0.1);
        var rng = new Rng(17);
        var h = space.Sample(rng);
        for (var i = 0; i < 5000; i++)
        {
            var next = explore.Explore(h, space, rng).After;

            space.Validate(next);
            var width = next.GetNumber("width");
            Assert.Equal(Math.Round(width), width);
            Assert.Equal(32, next.GetNumber("batch"));
            h = next;
        }
    }

    [Fact]
    public void Should_MoveCategoricalToNeighbour_When_NotResampled()
    {
        var explore = new PerturbExplore();
        var rng = new Rng(2);
        var choices = new List<string> { "sgd", "momentum", "adam", "adamw" };
        var h = Start(rng);
        for (var i = 0; i < 2000; i++)
        {
            var next = explore.Explore(h, s_space, rng).After;

            Assert.Equal(1, Math.Abs(choices.IndexOf(next.GetCategory("opt")) - choices.IndexOf(h.GetCategory("opt"))));
            h = next;
        }
    }

    [Fact]
    public void Should_ReflectInsteadOfClamp_When_PolicyIsReflect()
    {
        var clamp = new FloatParameter("x", 0, 1);
        var reflect = new FloatParameter("x", 0, 1, Boundary: BoundaryPolicy.Reflect);
        var logReflect = new FloatParameter("y", 1, 16, ParameterScale.Log, Boundary: BoundaryPolicy.Reflect);

        Assert.Equal(1.0, clamp.Fit(1.3));
        Assert.Equal(0.7, reflect.Fit(1.3), 12);
        Assert.Equal(0.3, reflect.Fit(-0.3), 12);
        Assert.Equal(0.5, reflect.Fit(2.5), 12);

        // In log space: 32 is one octave above 16, so it reflects to 8.
        Assert.Equal(8.0, logReflect.Fit(32), 9);
    }

    [Fact]
    public void Should_DrawFactorsUniformly_When_Perturbing()
    {
        var space = new SearchSpace(new FloatParameter("x", 1e-9, 1e9, ParameterScale.Log));
        var explore = new PerturbExplore(PerturbExplore.Paper001Factors);
        var rng = new Rng(123);
        var h = HyperparameterSet.Empty.With("x", 1.0);
        var counts = new Dictionary<double, int>();
        const int N = 8000;
        for (var i = 0; i < N; i++)
        {
            var factor = explore.Explore(h, space, rng).After.GetNumber("x");
            var key = PerturbExplore.Paper001Factors.Single(f => Math.Abs(f - factor) < 1e-12);
            counts[key] = counts.GetValueOrDefault(key) + 1;
        }

        // Chi-square with 3 degrees of freedom: the 0.999 quantile is 16.27.
        var expected = N / 4.0;
        var chi2 = counts.Values.Sum(c => (c - expected) * (c - expected) / expected);
        Assert.Equal(4, counts.Count);
        Assert.True(chi2 < 16.27, $"chi2 = {chi2}");
    }

    [Fact]
    public void Should_HonourResampleProbability_When_Configured()
    {
        var space = new SearchSpace(new FloatParameter("x", 0, 1000));
        var explore = new PerturbExplore([2.0], 0.3);
        var rng = new Rng(77);
        var h = HyperparameterSet.Empty.With("x", 1.0);
        var resampled = 0;
        const int N = 10000;
        for (var i = 0; i < N; i++)
        {
            var r = explore.Explore(h, space, rng);
            if (r.After.GetNumber("x") != 2.0)
            {
                resampled++;
                Assert.Contains("resample", r.Operator, StringComparison.Ordinal);
            }
        }

        Assert.InRange(resampled / (double)N, 0.28, 0.32);
    }

    [Fact]
    public void Should_MoveIntegerByAtLeastOne_When_FactorRoundsBack()
    {
        var space = new SearchSpace(new IntegerParameter("n", 1, 10));
        var explore = new PerturbExplore([1.2]);

        var after = explore.Explore(HyperparameterSet.Empty.With("n", 1.0), space, new Rng(1)).After;

        Assert.Equal(2.0, after.GetNumber("n"));
    }
}

public sealed class NoiseExploreTests
{
    [Fact]
    public void Should_HaveConfiguredSigmaInLog2Space_When_Paper003Noise()
    {
        var space = new SearchSpace(new FloatParameter("l1", 1e-30, 1e30, ParameterScale.Log));
        var explore = new NoiseExplore();
        var rng = new Rng(2024);
        var h = HyperparameterSet.Empty.With("l1", 1e-5);
        const int N = 20000;
        var sum = 0.0;
        var sumSq = 0.0;
        for (var i = 0; i < N; i++)
        {
            var d = Math.Log2(explore.Explore(h, space, rng).After.GetNumber("l1")) - Math.Log2(1e-5);
            sum += d;
            sumSq += d * d;
        }

        var mean = sum / N;
        var sd = Math.Sqrt((sumSq / N) - (mean * mean));
        Assert.InRange(mean, -0.015, 0.015);
        Assert.InRange(sd, 0.49, 0.51);
    }

    [Fact]
    public void Should_StayInBounds_When_LinearNoiseLarge()
    {
        var space = new SearchSpace(new FloatParameter("h", 0, 1, Boundary: BoundaryPolicy.Reflect), new IntegerParameter("k", 0, 5));
        var explore = new NoiseExplore(0.8, NoiseSpace.Linear);
        var rng = new Rng(4);
        var h = HyperparameterSet.Empty.With("h", 0.0).With("k", 0.0);
        for (var i = 0; i < 2000; i++)
        {
            h = explore.Explore(h, space, rng).After;
            space.Validate(h);
        }
    }

    [Theory]
    [InlineData(-double.MaxValue, double.MaxValue)]
    [InlineData(1e300, double.MaxValue)]
    [InlineData(-9223372036854775808.0, 9223372036854775808.0)]
    public void Should_StayInsideTheBounds_When_TheLinearWidthOverflows(double lower, double upper)
    {
        // Given a linear range as wide as doubles allow, with both boundary policies
        foreach (var boundary in new[] { BoundaryPolicy.Clamp, BoundaryPolicy.Reflect })
        {
            var space = new SearchSpace(new FloatParameter("x", lower, upper, Boundary: boundary));
            var strategy = new NoiseExplore(2.0, NoiseSpace.Linear);
            var rng = new Rng(17);
            var point = HyperparameterSet.From([KeyValuePair.Create("x", HyperValue.Of(lower / 2 + upper / 2))]);

            // When it explores many times
            for (var i = 0; i < 200; i++)
            {
                point = strategy.Explore(point, space, rng).After;

                // Then every value is a legal, finite value (never NaN from inf - inf)
                space.Validate(point);
            }
        }
    }
}

public sealed class ExploreCultureTests
{
    [Fact]
    public void Should_FormatOperatorInvariantly_When_CultureIsFrench()
    {
        var previous = System.Globalization.CultureInfo.CurrentCulture;
        try
        {
            System.Globalization.CultureInfo.CurrentCulture = new System.Globalization.CultureInfo("fr-FR");
            var space = new SearchSpace(new FloatParameter("lr", 1e-4, 1, ParameterScale.Log));

            var result = new PerturbExplore([0.8]).Explore(HyperparameterSet.Empty.With("lr", 0.5), space, new Rng(1));

            Assert.Equal("lr:*0.8", result.Operator);
            Assert.Equal(0.4, result.After.GetNumber("lr"), 12);
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentCulture = previous;
        }
    }
}
