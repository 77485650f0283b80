using System.Globalization;

namespace Cohort.Core.Trainables;

/// <summary>
/// The values a numeric hyperparameter may take: an interval whose ends may be infinite, each end included or not.
/// Written as in mathematics: <c>[0, 1)</c>, <c>(0, ∞)</c>.
/// </summary>
/// <param name="Minimum">The lower end; negative infinity for none.</param>
/// <param name="Maximum">The upper end; positive infinity for none.</param>
/// <param name="MinimumInclusive">Whether <paramref name="Minimum"/> itself is allowed.</param>
/// <param name="MaximumInclusive">Whether <paramref name="Maximum"/> itself is allowed.</param>
public readonly record struct ValueRange(double Minimum, double Maximum, bool MinimumInclusive = true, bool MaximumInclusive = true)
{
    /// <summary>Every finite number.</summary>
    public static ValueRange All => new(double.NegativeInfinity, double.PositiveInfinity);

    /// <summary>[<paramref name="minimum"/>, ∞).</summary>
    public static ValueRange AtLeast(double minimum) => new(minimum, double.PositiveInfinity);

    /// <summary>(<paramref name="minimum"/>, ∞).</summary>
    public static ValueRange Above(double minimum) => new(minimum, double.PositiveInfinity, MinimumInclusive: false);

    /// <summary>[<paramref name="minimum"/>, <paramref name="maximum"/>].</summary>
    public static ValueRange Closed(double minimum, double maximum) => new(minimum, maximum);

    /// <summary>[<paramref name="minimum"/>, <paramref name="maximum"/>): a probability that must stay below 1, a momentum.</summary>
    public static ValueRange HalfOpen(double minimum, double maximum) => new(minimum, maximum, MaximumInclusive: false);

    /// <summary>Whether <paramref name="value"/> is finite and inside the range.</summary>
    public bool Contains(double value) =>
        double.IsFinite(value)
        && (MinimumInclusive ? value >= Minimum : value > Minimum)
        && (MaximumInclusive ? value <= Maximum : value < Maximum);

    /// <summary>Whether <paramref name="value"/> lies below the range (as opposed to above it).</summary>
    public bool IsBelow(double value) => MinimumInclusive ? value < Minimum : value <= Minimum;

    /// <summary>e.g. <c>[0, 1)</c>, <c>(0, ∞)</c>, <c>(−∞, ∞)</c>.</summary>
    public override string ToString() =>
        (MinimumInclusive && double.IsFinite(Minimum) ? "[" : "(") + End(Minimum) + ", " + End(Maximum)
        + (MaximumInclusive && double.IsFinite(Maximum) ? "]" : ")");

    private static string End(double x) =>
        double.IsPositiveInfinity(x) ? "∞" : double.IsNegativeInfinity(x) ? "−∞" : x.ToString("R", CultureInfo.InvariantCulture);
}
