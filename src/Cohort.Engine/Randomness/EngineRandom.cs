using System.Numerics;

namespace Cohort.Engine.Randomness;

/// <summary>
/// The engine's seeded generator: xoshiro256** (Blackman and Vigna, 2018) seeded through SplitMix64. Its whole
/// state is four 64-bit words (<see cref="GetState"/>/<see cref="SetState"/>), so it is saved in every checkpoint
/// and copied on exploit. Not thread safe; one generator per trainer.
/// </summary>
public sealed class EngineRandom
{
    private ulong _s0;
    private ulong _s1;
    private ulong _s2;
    private ulong _s3;

    /// <summary>Creates a generator whose stream is fully determined by <paramref name="seed"/>.</summary>
    public EngineRandom(ulong seed)
    {
        var x = seed;
        _s0 = SplitMix64(ref x);
        _s1 = SplitMix64(ref x);
        _s2 = SplitMix64(ref x);
        _s3 = SplitMix64(ref x);
    }

    /// <summary>Number of 64-bit words in the state.</summary>
    public const int StateLength = 4;

    /// <summary>Next 64 uniformly distributed bits.</summary>
    public ulong NextUInt64()
    {
        var result = BitOperations.RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = BitOperations.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform float in [0, 1) with 24 random bits.</summary>
    public float NextSingle() => (NextUInt64() >> 40) * (1f / (1 << 24));

    /// <summary>Uniform double in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Standard normal variate (Box–Muller; one variate per call, no cached spare, so the state stays four words).</summary>
    public double NextGaussian()
    {
        var u1 = 1.0 - NextDouble();
        var u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>Copies the state into <paramref name="destination"/> (length ≥ <see cref="StateLength"/>).</summary>
    public void GetState(Span<ulong> destination)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, StateLength);
        destination[0] = _s0;
        destination[1] = _s1;
        destination[2] = _s2;
        destination[3] = _s3;
    }

    /// <summary>Restores a state written by <see cref="GetState"/>. An all-zero state is invalid for xoshiro.</summary>
    public void SetState(ReadOnlySpan<ulong> source)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(source.Length, StateLength);
        if ((source[0] | source[1] | source[2] | source[3]) == 0)
        {
            throw new ArgumentException("The all-zero state is not a valid xoshiro256** state.", nameof(source));
        }

        _s0 = source[0];
        _s1 = source[1];
        _s2 = source[2];
        _s3 = source[3];
    }

    /// <summary>Copies the state of <paramref name="other"/> into this generator.</summary>
    public void CopyFrom(EngineRandom other)
    {
        ArgumentNullException.ThrowIfNull(other);
        _s0 = other._s0;
        _s1 = other._s1;
        _s2 = other._s2;
        _s3 = other._s3;
    }

    private static ulong SplitMix64(ref ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        var z = x;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
