using Cohort.Core.Randomness;

namespace Cohort.TorchSharp.Translation;

internal static class RngShuffle
{
    /// <summary>Fisher–Yates: every order of <paramref name="items"/> equally likely, drawn from <paramref name="rng"/>.</summary>
    public static void Shuffle<T>(this Rng rng, Span<T> items)
    {
        for (var i = items.Length - 1; i > 0; i--)
        {
            var j = rng.NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}
