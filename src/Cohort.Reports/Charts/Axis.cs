namespace Cohort.Reports.Charts;

public enum AxisScale
{
    Linear,
    Log10,
}

/// <summary>
/// An axis description: its title and scale; with <paramref name="Categories"/>, a categorical axis on which value i
/// stands for <c>Categories[i]</c> (ticks at 0 … n − 1, labelled with the names).
/// </summary>
public sealed record AxisSpec(string Title, AxisScale Scale = AxisScale.Linear, IReadOnlyList<string>? Categories = null)
{
    /// <summary>The label of tick <paramref name="value"/>: a category's name, or the formatted number.</summary>
    public string Label(double value) =>
        Categories is { Count: > 0 } c && value == Math.Round(value) && value >= 0 && value < c.Count ? c[(int)value] : Charts.Ticks.Format(value);
}

/// <summary>
/// Maps data values on one axis to pixels: the domain is widened to the enclosing ticks, so the first and last tick
/// sit on the plot's edges.
/// </summary>
public sealed class AxisMap
{
    private readonly double _lo;
    private readonly double _hi;
    private readonly double _pixelFrom;
    private readonly double _pixelTo;

    private AxisMap(AxisScale scale, IReadOnlyList<double> ticks, double pixelFrom, double pixelTo)
        : this(scale, ticks, Transform(scale, ticks[0]), Transform(scale, ticks[^1]), pixelFrom, pixelTo)
    {
    }

    private AxisMap(AxisScale scale, IReadOnlyList<double> ticks, double lo, double hi, double pixelFrom, double pixelTo)
    {
        Scale = scale;
        Ticks = ticks;
        _lo = lo;
        _hi = hi;
        _pixelFrom = pixelFrom;
        _pixelTo = pixelTo;
    }

    public AxisScale Scale { get; }

    /// <summary>All ticks of the domain (before any label thinning), ascending.</summary>
    public IReadOnlyList<double> Ticks { get; }

    /// <summary>
    /// An axis over <paramref name="values"/> (non-finite values, and non-positive ones on a log axis, are ignored)
    /// mapped onto pixels [<paramref name="pixelFrom"/>, <paramref name="pixelTo"/>] (pass them reversed for a y axis).
    /// </summary>
    public static AxisMap Fit(AxisScale scale, IEnumerable<double> values, double pixelFrom, double pixelTo, int target = 5)
    {
        var usable = values.Where(v => IsPlottable(scale, v)).ToArray();
        IReadOnlyList<double> ticks;
        if (usable.Length == 0)
        {
            ticks = scale == AxisScale.Log10 ? [0.1, 1, 10] : [0, 0.5, 1];
        }
        else if (scale == AxisScale.Log10)
        {
            // Decades, or 1-2-5 steps when the data spans two decades or less (else it would fill a sliver of the plot).
            ticks = Charts.Ticks.Log10(usable.Min(), usable.Max());
            if (ticks.Count <= 3)
            {
                ticks = Charts.Ticks.Log125(usable.Min(), usable.Max());
            }
        }
        else
        {
            ticks = Charts.Ticks.Linear(usable.Min(), usable.Max(), target);
        }

        return new AxisMap(scale, ticks, pixelFrom, pixelTo);
    }

    /// <summary>
    /// A categorical axis of <paramref name="count"/> categories: ticks at 0 … count − 1, the domain half a category
    /// wider on each side so that no category sits on the plot's edge.
    /// </summary>
    public static AxisMap Categorical(int count, double pixelFrom, double pixelTo)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        return new AxisMap(AxisScale.Linear, Enumerable.Range(0, count).Select(i => (double)i).ToArray(), -0.5, count - 0.5, pixelFrom, pixelTo);
    }

    /// <summary>Whether a value can be drawn on an axis of this scale.</summary>
    public static bool IsPlottable(AxisScale scale, double value) =>
        double.IsFinite(value) && (scale == AxisScale.Linear || value > 0);

    /// <summary>The pixel coordinate of <paramref name="value"/>.</summary>
    public double Map(double value)
    {
        var t = (Transform(Scale, value) - _lo) / (_hi - _lo);
        return _pixelFrom + (t * (_pixelTo - _pixelFrom));
    }

    private static double Transform(AxisScale scale, double value) => scale == AxisScale.Log10 ? Math.Log10(value) : value;
}
