namespace Cohort.Core.Randomness;

/// <summary>
/// Derives independent seeds from one root seed (STYLE.md: per-member, per-purpose streams), by folding each part
/// through SplitMix64. Derive(seed, a, b) never depends on anything but its arguments.
/// </summary>
public static class Seeds
{
    public static ulong Derive(ulong root, params ReadOnlySpan<ulong> parts)
    {
        var s = Mix(root ^ 0x9E3779B97F4A7C15UL);
        foreach (var p in parts)
        {
            s = Mix(s ^ Mix(p + 0x632BE59BD9B4E019UL));
        }

        return s;
    }

    /// <summary>A stable 64-bit value for a purpose name (FNV-1a), to use as a part in <see cref="Derive"/>.</summary>
    public static ulong Purpose(string name)
    {
        var h = 0xCBF29CE484222325UL;
        foreach (var c in name)
        {
            h = (h ^ c) * 0x100000001B3UL;
        }

        return h;
    }

    /// <summary>The SplitMix64 finaliser.</summary>
    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
