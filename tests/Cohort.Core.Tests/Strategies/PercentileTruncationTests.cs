using Cohort.Core.Randomness;
using Cohort.Core.Strategies;

namespace Cohort.Core.Tests.Strategies;

/// <summary><see cref="TruncationSelection"/> with <see cref="TruncationRule.Percentile"/> (paper 000's Keras code).</summary>
public sealed class PercentileTruncationTests
{
    /// <summary>Members 0..n−1 with losses 1..n (score = −loss, higher is better): member 0 is best.</summary>
    private static MemberScore[] Losses(int n) => Enumerable.Range(0, n).Select(i => new MemberScore(i, -(i + 1.0), 50)).ToArray();

    [Theory]
    [InlineData(new[] { 1.0, 2.0, 3.0, 4.0 }, 0.2, 1.6)]
    [InlineData(new[] { 1.0, 2.0, 3.0, 4.0 }, 0.8, 3.4)]
    [InlineData(new[] { 5.0, 1.0, 3.0, 2.0, 4.0, 6.0 }, 0.2, 2.0)]
    [InlineData(new[] { 7.0 }, 0.2, 7.0)]
    public void Should_InterpolateLikeNumpy_When_ComputingQuantiles(double[] values, double q, double expected)
    {
        // np.percentile([1, 2, 3, 4], 20) = 1.6; np.percentile([1..6], 20) = 2.0
        Assert.Equal(expected, TruncationSelection.Quantile(values, q), 12);
    }

    [Theory]
    [InlineData(6, 1, 1)]
    [InlineData(12, 3, 2)]
    [InlineData(18, 4, 3)]
    [InlineData(24, 5, 4)]
    [InlineData(30, 6, 6)]
    [InlineData(36, 7, 7)]
    public void Should_CutCeilOfFractionTimesNMinusOne_When_Percentile(int n, int percentileCount, int countRuleCount)
    {
        // Given n members with distinct losses
        var population = Losses(n);
        var percentile = new TruncationSelection(0.2, TruncationRule.Percentile);
        var count = new TruncationSelection(0.2);

        // When
        var decisions = percentile.DecidePopulation(population, new Rng(1));

        // Then the worst ceil(0.2 (n − 1)) copy from the best as many; the count rule differs for 12, 18 and 24
        Assert.Equal(Enumerable.Range(n - percentileCount, percentileCount), decisions.Select(d => d.Member));
        Assert.All(decisions, d => Assert.InRange(d.Donor!.Value, 0, percentileCount - 1));
        Assert.All(decisions, d => Assert.True(d.Explore));
        Assert.Equal(countRuleCount, count.DecidePopulation(population, new Rng(1)).Count);
    }

    [Fact]
    public void Should_UseEveryTopMemberAsDonor_When_DrawingOftenEnough()
    {
        var strategy = new TruncationSelection(0.2, TruncationRule.Percentile);
        var rng = new Rng(3);
        var donors = new HashSet<int>();
        for (var i = 0; i < 200; i++)
        {
            donors.UnionWith(strategy.DecidePopulation(Losses(12), rng).Select(d => d.Donor!.Value));
        }

        Assert.Equal(new HashSet<int> { 0, 1, 2 }, donors);
    }

    [Fact]
    public void Should_ExploitNobody_When_AllLossesTie()
    {
        var tied = Enumerable.Range(0, 6).Select(i => new MemberScore(i, -3.0, 50)).ToArray();
        var strategy = new TruncationSelection(0.2, TruncationRule.Percentile);

        Assert.Empty(strategy.DecidePopulation(tied, new Rng(1)));
        Assert.Null(strategy.DecideMember(tied[5], tied, new Rng(1)).Donor);
    }

    [Fact]
    public void Should_DecideLikeTheSynchronousRule_When_AskedPerMember()
    {
        var population = Losses(12);
        var strategy = new TruncationSelection(0.2, TruncationRule.Percentile);

        Assert.Null(strategy.DecideMember(population[8], population, new Rng(1)).Donor);
        Assert.InRange(strategy.DecideMember(population[9], population, new Rng(1)).Donor!.Value, 0, 2);
    }

    [Fact]
    public void Should_TreatNaNAsBottom_When_AMemberHasNoFiniteScore()
    {
        var population = Losses(6);
        population[2] = population[2] with { Score = double.NaN };

        var decisions = new TruncationSelection(0.2, TruncationRule.Percentile).DecidePopulation(population, new Rng(1));

        Assert.Contains(decisions, d => d.Member == 2);
        Assert.All(decisions, d => Assert.NotEqual(2, d.Donor));
    }
}
