using System.Runtime.CompilerServices;
using System.Text.Json;
using Cohort.Engine.Data;

namespace Cohort.Engine.Tests.Data;

/// <summary>Against NumPy 1.24's legacy RandomState (make_numpy_permutations.py → numpy_permutations.json, committed).</summary>
public sealed class NumpyRandomStateTests
{
    internal static JsonElement Reference { get; } = Load();

    internal static int[] NumpyPermutation(uint seed, int n) =>
        Reference.GetProperty("permutations").GetProperty(FormattableString.Invariant($"{seed}_{n}")).EnumerateArray().Select(e => e.GetInt32()).ToArray();

    [Fact]
    public void Should_MatchMt19937_When_SeededWithTheReferenceSeed()
    {
        // Given MT19937's reference seed 5489, whose first output 3499211612 is in Matsumoto and Nishimura's test vector
        var rng = new NumpyRandomState(5489);

        // When / Then
        var expected = Reference.GetProperty("uint32_seed_5489").EnumerateArray().Select(e => (uint)e.GetUInt64()).ToArray();
        Assert.Equal(3499211612u, expected[0]);
        Assert.Equal(expected, new[] { rng.NextUInt32(), rng.NextUInt32(), rng.NextUInt32() });
    }

    [Theory]
    [InlineData(113u, 506)]
    [InlineData(42u, 404)]
    [InlineData(0u, 10)]
    [InlineData(1u, 1)]
    [InlineData(7u, 2)]
    [InlineData(4294967295u, 1000)]
    public void Should_EqualNumpysShuffle_When_PermutingArange(uint seed, int n)
    {
        Assert.Equal(NumpyPermutation(seed, n), NumpyRandomState.Permutation(seed, n));
    }

    [Fact]
    public void Should_StartWithKerasBostonRows_When_Seed113()
    {
        // keras.datasets.boston_housing.load_data() puts rows 22, 202, 368 first (y_train starts 15.2, 42.3, 50.0).
        Assert.Equal(new[] { 22, 202, 368, 335, 461 }, NumpyRandomState.Permutation(113, 506)[..5]);
    }

    private static JsonElement Load([CallerFilePath] string source = "")
    {
        var path = Path.Combine(Path.GetDirectoryName(source)!, "numpy_permutations.json");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return doc.RootElement.Clone();
    }
}
