using System.Globalization;

namespace Cohort.Reports.Charts;

/// <summary>
/// Colour-blind-safe colours: the Okabe–Ito qualitative palette for series, and a viridis-like ramp for continuous
/// values (perceptually ordered, readable in greyscale).
/// </summary>
public static class Palette
{
    /// <summary>Okabe &amp; Ito (2008), without black (kept for highlights).</summary>
    public static readonly IReadOnlyList<string> Categorical =
        ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#999999"];

    /// <summary>The colour of highlighted series.</summary>
    public const string Highlight = "#000000";

    private static readonly (double R, double G, double B)[] s_viridis =
    [
        (68, 1, 84), (72, 40, 120), (62, 74, 137), (49, 104, 142), (38, 130, 142),
        (31, 158, 137), (53, 183, 121), (109, 205, 89), (180, 222, 44), (253, 231, 37),
    ];

    /// <summary>The i-th series colour (cycling).</summary>
    public static string Series(int index) => Categorical[((index % Categorical.Count) + Categorical.Count) % Categorical.Count];

    /// <summary>The ramp's colour at <paramref name="t"/> in [0, 1] (clamped; NaN maps to 0).</summary>
    public static string Continuous(double t)
    {
        t = double.IsNaN(t) ? 0 : Math.Clamp(t, 0, 1);
        var x = t * (s_viridis.Length - 1);
        var i = Math.Min((int)Math.Floor(x), s_viridis.Length - 2);
        var f = x - i;
        var (r0, g0, b0) = s_viridis[i];
        var (r1, g1, b1) = s_viridis[i + 1];
        return string.Create(CultureInfo.InvariantCulture, $"#{Lerp(r0, r1, f):X2}{Lerp(g0, g1, f):X2}{Lerp(b0, b1, f):X2}");
    }

    private static int Lerp(double a, double b, double f) => (int)Math.Round(a + ((b - a) * f));
}
