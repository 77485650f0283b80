using System.Globalization;

namespace Cohort.Training.Tests.Environments;

internal static class EnvironmentAssert
{
    /// <summary>|expected − actual| ≤ tolerance · max(1, |expected|) for every component, naming the step that differs.</summary>
    public static void Close(IReadOnlyList<double> expected, ReadOnlySpan<double> actual, double tolerance, int step)
    {
        Assert.Equal(expected.Count, actual.Length);
        for (var i = 0; i < actual.Length; i++)
        {
            var bound = tolerance * Math.Max(1.0, Math.Abs(expected[i]));
            Assert.True(
                Math.Abs(expected[i] - actual[i]) <= bound,
                string.Create(CultureInfo.InvariantCulture, $"step {step}, component {i}: expected {expected[i]:R}, got {actual[i]:R}"));
        }
    }
}
