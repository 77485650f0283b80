namespace Cohort.Engine.Data;

/// <summary>
/// SplitMix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number generators", OOPSLA 2014): a one-word
/// generator private to the data layer, used for splits and epoch permutations. Its whole state is
/// <see cref="State"/>, so a sampler position can be saved and restored exactly.
/// </summary>
internal struct DataRandom
{
    private const ulong Gamma = 0x9E3779B97F4A7C15UL;

    public DataRandom(ulong state)
    {
        State = state;
    }

    public ulong State { get; private set; }

    /// <summary>A stream seeded from (<paramref name="seed"/>, <paramref name="purpose"/>, <paramref name="index"/>), independent of other purposes.</summary>
    public static DataRandom Derive(ulong seed, ulong purpose, ulong index)
    {
        var s = Mix(seed + Gamma);
        s = Mix(s ^ (purpose * 0xD1B54A32D192ED03UL));
        s = Mix(s ^ (index * 0xAEF17502108EF2D9UL));
        return new DataRandom(s);
    }

    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public ulong NextUInt64()
    {
        State += Gamma;
        return Mix(State);
    }

    /// <summary>Uniform integer in [0, <paramref name="maxExclusive"/>), unbiased (Lemire's multiply-and-reject).</summary>
    public int NextInt(int maxExclusive)
    {
        var range = (ulong)maxExclusive;
        var m = Math.BigMul(NextUInt64(), range, out var low);
        if (low < range)
        {
            var threshold = (0 - range) % range;
            while (low < threshold)
            {
                m = Math.BigMul(NextUInt64(), range, out low);
            }
        }

        return (int)m;
    }

    /// <summary>Fisher–Yates shuffle in place.</summary>
    public void Shuffle(Span<int> values)
    {
        for (var i = values.Length - 1; i > 0; i--)
        {
            var j = NextInt(i + 1);
            (values[i], values[j]) = (values[j], values[i]);
        }
    }
}
