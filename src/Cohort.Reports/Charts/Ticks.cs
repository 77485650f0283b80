using System.Globalization;

namespace Cohort.Reports.Charts;

/// <summary>"Nice" axis ticks: 1-2-5 steps on linear axes, decades on log10 axes; compact invariant labels.</summary>
public static class Ticks
{
    /// <summary>
    /// Ticks on a 1-2-5 grid covering [<paramref name="min"/>, <paramref name="max"/>] with about
    /// <paramref name="target"/> intervals; the first and last tick enclose the data.
    /// </summary>
    public static IReadOnlyList<double> Linear(double min, double max, int target = 5)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(target, 1);
        if (!double.IsFinite(min) || !double.IsFinite(max))
        {
            throw new ArgumentException($"Axis bounds must be finite, got [{min.ToString(CultureInfo.InvariantCulture)}, {max.ToString(CultureInfo.InvariantCulture)}].", nameof(min));
        }

        if (max < min)
        {
            (min, max) = (max, min);
        }

        if (max == min)
        {
            var pad = min == 0 ? 1 : Math.Abs(min) * 0.1;
            min -= pad;
            max += pad;
        }

        var step = NiceStep((max - min) / target);
        var first = Math.Floor((min / step) + 1e-9);
        var last = Math.Ceiling((max / step) - 1e-9);
        var ticks = new List<double>();
        for (var k = first; k <= last; k++)
        {
            // Round away the representation noise of k * step (0.6000000000000001 → 0.6).
            ticks.Add(Math.Round(k * step, 12) == 0 ? 0 : double.Parse((k * step).ToString("G12", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture));
        }

        return ticks;
    }

    /// <summary>Decade ticks (…, 0.01, 0.1, 1, …) enclosing [<paramref name="min"/>, <paramref name="max"/>]; both must be positive.</summary>
    public static IReadOnlyList<double> Log10(double min, double max)
    {
        if (!(min > 0) || !(max > 0) || !double.IsFinite(min) || !double.IsFinite(max))
        {
            throw new ArgumentException($"Log axis bounds must be positive and finite, got [{min.ToString(CultureInfo.InvariantCulture)}, {max.ToString(CultureInfo.InvariantCulture)}].", nameof(min));
        }

        if (max < min)
        {
            (min, max) = (max, min);
        }

        var lo = (int)Math.Floor(Math.Log10(min) + 1e-9);
        var hi = (int)Math.Ceiling(Math.Log10(max) - 1e-9);
        if (hi == lo)
        {
            hi = lo + 1;
        }

        var ticks = new List<double>();
        for (var e = lo; e <= hi; e++)
        {
            ticks.Add(double.Parse("1e" + e.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture));
        }

        return ticks;
    }

    /// <summary>
    /// Log-axis ticks at 1, 2 and 5 × 10^k enclosing [<paramref name="min"/>, <paramref name="max"/>] (tightly: from
    /// the largest such value ≤ min to the smallest ≥ max), for ranges too narrow for decades alone; both must be positive.
    /// </summary>
    public static IReadOnlyList<double> Log125(double min, double max)
    {
        var decades = Log10(min, max);
        if (max < min)
        {
            (min, max) = (max, min);
        }

        var candidates = new List<double>();
        foreach (var decade in decades)
        {
            foreach (var m in new[] { 1, 2, 5 })
            {
                candidates.Add(double.Parse(m.ToString(CultureInfo.InvariantCulture) + "e" + Math.Round(Math.Log10(decade)).ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture));
            }
        }

        var lo = candidates.Where(c => c <= min * (1 + 1e-9)).DefaultIfEmpty(candidates[0]).Max();
        var hi = candidates.Where(c => c >= max * (1 - 1e-9)).DefaultIfEmpty(candidates[^1]).Min();
        if (hi <= lo)
        {
            hi = candidates.First(c => c > lo);
        }

        return candidates.Where(c => c >= lo && c <= hi).ToArray();
    }

    /// <summary>The smallest of 1, 2, 5 × 10^k that is at least <paramref name="rough"/>.</summary>
    public static double NiceStep(double rough)
    {
        if (!(rough > 0) || !double.IsFinite(rough))
        {
            return 1;
        }

        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(rough)));
        var fraction = rough / magnitude;
        var nice = fraction <= 1 + 1e-9 ? 1 : fraction <= 2 + 1e-9 ? 2 : fraction <= 5 + 1e-9 ? 5 : 10;
        return nice * magnitude;
    }

    /// <summary>A compact invariant label: <c>0.2</c>, <c>1500</c>, <c>1e-5</c>, <c>2.5e6</c>.</summary>
    public static string Format(double value)
    {
        if (double.IsNaN(value))
        {
            return "NaN";
        }

        if (double.IsInfinity(value))
        {
            return value > 0 ? "∞" : "-∞";
        }

        if (value == 0)
        {
            return "0";
        }

        var abs = Math.Abs(value);
        if (abs >= 1e-3 && abs < 1e5)
        {
            return value.ToString("0.####", CultureInfo.InvariantCulture) is var s && s != "0" && s != "-0"
                ? s
                : value.ToString("G3", CultureInfo.InvariantCulture);
        }

        return value.ToString("0.##e0", CultureInfo.InvariantCulture);
    }

    /// <summary>Keeps every k-th tick (k ≥ 1, smallest that fits) so that no two kept labels are closer than <paramref name="minGap"/> pixels.</summary>
    public static IReadOnlyList<T> Thin<T>(IReadOnlyList<T> ticks, Func<T, double> position, Func<T, double> extent, double minGap)
    {
        ArgumentNullException.ThrowIfNull(ticks);
        ArgumentNullException.ThrowIfNull(position);
        ArgumentNullException.ThrowIfNull(extent);
        for (var k = 1; k <= Math.Max(1, ticks.Count); k++)
        {
            var kept = ticks.Where((_, i) => i % k == 0).ToArray();
            var fits = true;
            for (var i = 1; i < kept.Length && fits; i++)
            {
                var gap = Math.Abs(position(kept[i]) - position(kept[i - 1]));
                fits = gap >= ((extent(kept[i]) + extent(kept[i - 1])) / 2) + minGap;
            }

            if (fits)
            {
                return kept;
            }
        }

        return ticks.Take(1).ToArray();
    }
}
