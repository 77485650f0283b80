namespace Cohort.Engine.Data;

/// <summary>
/// A port of the Mersenne Twister MT19937 (Matsumoto and Nishimura 1998) as NumPy's legacy
/// <c>numpy.random.RandomState(seed)</c> seeds and uses it, limited to what reproducing a published data split needs:
/// <see cref="Shuffle"/> draws exactly the swaps of <c>RandomState(seed).shuffle(a)</c> on a one-dimensional array, so
/// <see cref="Permutation"/> equals <c>RandomState(seed).permutation(n)</c>. Keras's
/// <c>boston_housing.load_data(seed=113)</c> orders the rows this way (tests check it against indices NumPy computed).
/// Not a general-purpose generator: Cohort's own randomness uses its SplitMix64-derived streams.
/// </summary>
public sealed class NumpyRandomState
{
    private const int N = 624;
    private const int M = 397;
    private const uint MatrixA = 0x9908B0DFu;
    private const uint UpperMask = 0x80000000u;
    private const uint LowerMask = 0x7FFFFFFFu;

    private readonly uint[] _mt = new uint[N];
    private int _index;

    /// <summary>Seeds as <c>RandomState(seed)</c> does for an integer seed (MT19937's init_genrand).</summary>
    public NumpyRandomState(uint seed)
    {
        _mt[0] = seed;
        for (var i = 1; i < N; i++)
        {
            _mt[i] = unchecked((1812433253u * (_mt[i - 1] ^ (_mt[i - 1] >> 30))) + (uint)i);
        }

        _index = N;
    }

    /// <summary>The next 32-bit output (genrand_int32).</summary>
    public uint NextUInt32()
    {
        if (_index >= N)
        {
            Twist();
        }

        var y = _mt[_index++];
        y ^= y >> 11;
        y ^= (y << 7) & 0x9D2C5680u;
        y ^= (y << 15) & 0xEFC60000u;
        y ^= y >> 18;
        return y;
    }

    /// <summary>
    /// A uniform integer in [0, <paramref name="max"/>] by masked rejection, as NumPy's <c>random_interval</c>: the
    /// smallest all-ones mask covering max, 32-bit draws while max fits in 32 bits.
    /// </summary>
    public uint NextInterval(uint max)
    {
        if (max == 0)
        {
            return 0;
        }

        var mask = max;
        mask |= mask >> 1;
        mask |= mask >> 2;
        mask |= mask >> 4;
        mask |= mask >> 8;
        mask |= mask >> 16;
        uint value;
        while ((value = NextUInt32() & mask) > max)
        {
        }

        return value;
    }

    /// <summary>Shuffles in place as <c>RandomState.shuffle</c> on a 1-d array: for i = n−1 … 1, swap a[i] with a[j], j uniform in [0, i].</summary>
    public void Shuffle(Span<int> values)
    {
        for (var i = values.Length - 1; i >= 1; i--)
        {
            var j = (int)NextInterval((uint)i);
            (values[i], values[j]) = (values[j], values[i]);
        }
    }

    /// <summary><c>RandomState(seed).permutation(n)</c>.</summary>
    public static int[] Permutation(uint seed, int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        var p = new int[n];
        for (var i = 0; i < n; i++)
        {
            p[i] = i;
        }

        new NumpyRandomState(seed).Shuffle(p);
        return p;
    }

    private void Twist()
    {
        for (var k = 0; k < N; k++)
        {
            var y = (_mt[k] & UpperMask) | (_mt[(k + 1) % N] & LowerMask);
            var next = _mt[(k + M) % N] ^ (y >> 1);
            _mt[k] = (y & 1u) != 0 ? next ^ MatrixA : next;
        }

        _index = 0;
    }
}
