using System.Globalization;
using Cohort.Core.Randomness;

namespace Cohort.Core.Hyperparameters;

/// <summary>How a numeric hyperparameter is spaced: grids, priors, noise and reflection work in this space.</summary>
public enum ParameterScale
{
    Linear,
    Log,
}

/// <summary>The distribution a hyperparameter is sampled from (random initialisation, resampling).</summary>
public enum PriorKind
{
    /// <summary>Log-uniform for a log-scale parameter, uniform otherwise; uniform over the choices for a categorical.</summary>
    Default,
    Uniform,
    LogUniform,

    /// <summary>Uniform over an explicit list of values (<see cref="NumericParameter.PriorValues"/>, else the grid values).</summary>
    Choice,
}

/// <summary>What happens to a perturbed value that leaves [lower, upper].</summary>
public enum BoundaryPolicy
{
    /// <summary>Set to the nearest bound.</summary>
    Clamp,

    /// <summary>Mirror at the bound (in the parameter's scale space), as often as needed.</summary>
    Reflect,
}

/// <summary>
/// One named dimension of a <see cref="SearchSpace"/>: a float, an integer, a categorical or a constant. Constants
/// are carried in every point but never searched or explored.
/// </summary>
public abstract record Hyperparameter(string Name)
{
    /// <summary>False for constants: they are never changed by exploration.</summary>
    public virtual bool IsSearched => true;

    /// <summary>Throws <see cref="ArgumentException"/> naming the parameter and the bad value when the definition is invalid.</summary>
    public abstract void Validate();

    /// <summary>Draws a value from the prior.</summary>
    public abstract HyperValue Sample(Rng rng);

    /// <summary>The grid values in order; throws naming the parameter when it defines no grid.</summary>
    public abstract IReadOnlyList<HyperValue> GridValues();

    /// <summary>Whether the parameter defines grid values (explicit, a count, choices, or a constant).</summary>
    public abstract bool HasGrid { get; }

    /// <summary>Whether <paramref name="value"/> is a legal value of this parameter.</summary>
    public abstract bool Contains(HyperValue value);

    protected ArgumentException Invalid(string what, object? value) =>
        new(string.Create(CultureInfo.InvariantCulture, $"Hyperparameter '{Name}': {what} (got {value ?? "null"})."), Name);

    protected void ValidateName()
    {
        if (string.IsNullOrWhiteSpace(Name))
        {
            throw new ArgumentException($"A hyperparameter name must not be empty (got '{Name}').", nameof(Name));
        }
    }
}

/// <summary>
/// A float or integer hyperparameter on [<paramref name="Lower"/>, <paramref name="Upper"/>].
/// Grid: explicit <paramref name="Grid"/> values, else <paramref name="GridCount"/> points from lower to upper
/// (log-spaced for <see cref="ParameterScale.Log"/>, linear otherwise; rounded and de-duplicated for integers).
/// </summary>
public abstract record NumericParameter(
    string Name,
    double Lower,
    double Upper,
    ParameterScale Scale,
    PriorKind Prior,
    IReadOnlyList<double>? Grid,
    int? GridCount,
    BoundaryPolicy Boundary,
    IReadOnlyList<double>? PriorValues) : Hyperparameter(Name)
{
    public abstract bool IsInteger { get; }

    public override bool HasGrid => Grid is { Count: > 0 } || GridCount is > 0;

    /// <summary>The prior actually used (resolves <see cref="PriorKind.Default"/>).</summary>
    public PriorKind EffectivePrior => Prior != PriorKind.Default
        ? Prior
        : Scale == ParameterScale.Log ? PriorKind.LogUniform : PriorKind.Uniform;

    public override void Validate()
    {
        ValidateName();
        if (!double.IsFinite(Lower) || !double.IsFinite(Upper) || Lower > Upper)
        {
            throw Invalid("bounds must be finite with lower <= upper", $"[{F(Lower)}, {F(Upper)}]");
        }

        if ((Scale == ParameterScale.Log || Prior == PriorKind.LogUniform) && Lower <= 0)
        {
            throw Invalid("a log scale or log-uniform prior needs lower > 0", F(Lower));
        }

        if (IsInteger && (Lower != Math.Round(Lower) || Upper != Math.Round(Upper)))
        {
            throw Invalid("integer bounds must be whole numbers", $"[{F(Lower)}, {F(Upper)}]");
        }

        if (GridCount is { } count && (count < 1 || (count > 1 && Lower == Upper && !IsInteger)))
        {
            throw Invalid("grid count must be >= 1 (and bounds distinct for more than one point)", count);
        }

        if (Grid is not null)
        {
            if (Grid.Count == 0)
            {
                throw Invalid("the grid is empty", "[]");
            }

            foreach (var g in Grid)
            {
                if (!Contains(HyperValue.Of(g)))
                {
                    throw Invalid($"grid value outside [{F(Lower)}, {F(Upper)}]{(IsInteger ? " or not an integer" : "")}", F(g));
                }
            }
        }

        if (PriorValues is not null)
        {
            if (PriorValues.Count == 0)
            {
                throw Invalid("the prior's explicit values are empty", "[]");
            }

            foreach (var v in PriorValues)
            {
                if (!Contains(HyperValue.Of(v)))
                {
                    throw Invalid("prior value outside the bounds", F(v));
                }
            }
        }

        if (Prior == PriorKind.Choice && PriorValues is null && !HasGrid)
        {
            throw Invalid("a choice prior needs explicit values or a grid", "none");
        }
    }

    public override bool Contains(HyperValue value) =>
        !value.IsCategorical && double.IsFinite(value.Number) && value.Number >= Lower && value.Number <= Upper
        && (!IsInteger || value.Number == Math.Round(value.Number));

    public override HyperValue Sample(Rng rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        double x;
        switch (EffectivePrior)
        {
            case PriorKind.Choice:
                var values = PriorValues ?? GridValues().Select(v => v.Number).ToArray();
                return HyperValue.Of(values[rng.NextInt(values.Count)]);
            case PriorKind.LogUniform:
                x = Math.Exp(Math.Log(Lower) + (rng.NextDouble() * (Math.Log(Upper) - Math.Log(Lower))));
                break;
            default:
                if (IsInteger && Upper - Lower < int.MaxValue)
                {
                    // Uniform over the whole numbers lower..upper.
                    return HyperValue.Of(Lower + rng.NextInt((int)(Upper - Lower + 1)));
                }

                // Wider integer ranges (up to ±double.MaxValue) are drawn as reals and rounded by Fit.
                x = Interpolate(rng.NextDouble());
                break;
        }

        return HyperValue.Of(Fit(x));
    }

    public override IReadOnlyList<HyperValue> GridValues()
    {
        if (Grid is { Count: > 0 })
        {
            return Grid.Select(HyperValue.Of).ToArray();
        }

        if (GridCount is not { } n || n < 1)
        {
            throw new InvalidOperationException($"Hyperparameter '{Name}' defines no grid (give grid values or a grid count).");
        }

        var result = new List<double>(n);
        for (var i = 0; i < n; i++)
        {
            var t = n == 1 ? 0.0 : (double)i / (n - 1);
            var x = Scale == ParameterScale.Log
                ? Math.Exp(Math.Log(Lower) + (t * (Math.Log(Upper) - Math.Log(Lower))))
                : Interpolate(t);
            x = i == n - 1 ? Upper : i == 0 ? Lower : x;
            x = IsInteger ? Math.Round(x, MidpointRounding.AwayFromZero) : x;
            if (result.Count == 0 || result[^1] != x)
            {
                result.Add(x);
            }
        }

        return result.Select(HyperValue.Of).ToArray();
    }

    /// <summary>
    /// The value a fraction <paramref name="t"/> of the way from <see cref="Lower"/> to <see cref="Upper"/> (linearly):
    /// Lower + t·(Upper − Lower), or, where that width overflows (bounds near ±double.MaxValue), (1 − t)·Lower + t·Upper.
    /// </summary>
    internal double Interpolate(double t)
    {
        var width = Upper - Lower;
        return double.IsFinite(width) ? Lower + (t * width) : ((1 - t) * Lower) + (t * Upper);
    }

    /// <summary>
    /// z·(Upper − Lower), a step of <paramref name="z"/> widths; where the width overflows it is computed from the
    /// half-width, so the result is ±∞ only when the step itself is beyond double.MaxValue (and 0 for z = 0, never NaN).
    /// </summary>
    internal double Widths(double z)
    {
        var width = Upper - Lower;
        return double.IsFinite(width) ? z * width : 2 * (z * ((Upper / 2) - (Lower / 2)));
    }

    /// <summary>Maps a value into the parameter's scale space (log for <see cref="ParameterScale.Log"/>).</summary>
    public double ToScaleSpace(double x) => Scale == ParameterScale.Log ? Math.Log(x) : x;

    public double FromScaleSpace(double u) => Scale == ParameterScale.Log ? Math.Exp(u) : u;

    /// <summary>
    /// Brings a raw (perturbed) value back into the bounds with <see cref="Boundary"/> (reflection happens in scale space)
    /// and rounds integers. Non-finite input goes to the nearest bound (positive infinity to upper, otherwise lower).
    /// </summary>
    public double Fit(double x)
    {
        if (double.IsNaN(x))
        {
            x = Lower;
        }
        else if (double.IsInfinity(x))
        {
            x = x > 0 ? Upper : Lower;
        }

        if (Scale == ParameterScale.Log && x <= 0)
        {
            x = Lower;
        }

        if (x < Lower || x > Upper)
        {
            x = Boundary == BoundaryPolicy.Clamp ? Math.Clamp(x, Lower, Upper) : Reflect(x);
        }

        if (IsInteger)
        {
            x = Math.Clamp(Math.Round(x, MidpointRounding.AwayFromZero), Lower, Upper);
        }

        return x;
    }

    private double Reflect(double x)
    {
        var lo = ToScaleSpace(Lower);
        var hi = ToScaleSpace(Upper);
        var width = hi - lo;
        if (width <= 0)
        {
            return Lower;
        }

        if (!double.IsFinite(2 * width))
        {
            // A linear range wider than half of double.MaxValue (the period 2·width overflows): one reflection,
            // 2·bound − x, computed from halves so that nothing overflows, then clamped for the rare overshoot that a
            // second reflection would fold back.
            var half = x > Upper ? (Upper / 2) - ((x / 2) - (Upper / 2)) : (Lower / 2) + ((Lower / 2) - (x / 2));
            return Math.Clamp(half * 2, Lower, Upper);
        }

        var u = ToScaleSpace(x) - lo;
        var period = 2 * width;
        u %= period;
        if (u < 0)
        {
            u += period;
        }

        if (u > width)
        {
            u = period - u;
        }

        return Math.Clamp(FromScaleSpace(lo + u), Lower, Upper);
    }

    private static string F(double x) => x.ToString("R", CultureInfo.InvariantCulture);
}

/// <summary>A real-valued hyperparameter (a learning rate, a regularisation weight).</summary>
public sealed record FloatParameter(
    string Name,
    double Lower,
    double Upper,
    ParameterScale Scale = ParameterScale.Linear,
    PriorKind Prior = PriorKind.Default,
    IReadOnlyList<double>? Grid = null,
    int? GridCount = null,
    BoundaryPolicy Boundary = BoundaryPolicy.Clamp,
    IReadOnlyList<double>? PriorValues = null)
    : NumericParameter(Name, Lower, Upper, Scale, Prior, Grid, GridCount, Boundary, PriorValues)
{
    public override bool IsInteger => false;
}

/// <summary>A whole-number hyperparameter (a batch size, a layer width); its values are always whole numbers.</summary>
public sealed record IntegerParameter(
    string Name,
    double Lower,
    double Upper,
    ParameterScale Scale = ParameterScale.Linear,
    PriorKind Prior = PriorKind.Default,
    IReadOnlyList<double>? Grid = null,
    int? GridCount = null,
    BoundaryPolicy Boundary = BoundaryPolicy.Clamp,
    IReadOnlyList<double>? PriorValues = null)
    : NumericParameter(Name, Lower, Upper, Scale, Prior, Grid, GridCount, Boundary, PriorValues)
{
    public override bool IsInteger => true;
}

/// <summary>
/// A categorical hyperparameter. Its choices are ordered: exploration moves to a neighbouring choice.
/// The grid is <paramref name="Grid"/> when given, else all choices; the prior is uniform over the choices.
/// </summary>
public sealed record CategoricalParameter(string Name, IReadOnlyList<string> Choices, IReadOnlyList<string>? Grid = null)
    : Hyperparameter(Name)
{
    public override bool HasGrid => true;

    public override void Validate()
    {
        ValidateName();
        if (Choices is null || Choices.Count == 0)
        {
            throw Invalid("a categorical needs at least one choice", "[]");
        }

        if (Choices.Distinct(StringComparer.Ordinal).Count() != Choices.Count)
        {
            throw Invalid("choices must be distinct", string.Join(", ", Choices));
        }

        if (Grid is not null)
        {
            if (Grid.Count == 0)
            {
                throw Invalid("the grid is empty", "[]");
            }

            foreach (var g in Grid.Where(g => !Choices.Contains(g, StringComparer.Ordinal)))
            {
                throw Invalid("grid value is not one of the choices", g);
            }
        }
    }

    public override HyperValue Sample(Rng rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        return HyperValue.Of(Choices[rng.NextInt(Choices.Count)]);
    }

    public override IReadOnlyList<HyperValue> GridValues() => (Grid ?? Choices).Select(HyperValue.Of).ToArray();

    public override bool Contains(HyperValue value) =>
        value.IsCategorical && Choices.Contains(value.Category!, StringComparer.Ordinal);

    /// <summary>The index of <paramref name="value"/> among the choices; -1 when it is not one.</summary>
    public int IndexOf(HyperValue value)
    {
        for (var i = 0; i < Choices.Count; i++)
        {
            if (string.Equals(Choices[i], value.Category, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>A uniformly chosen neighbouring choice (the only neighbour at either end; itself when there is one choice).</summary>
    public HyperValue Neighbour(HyperValue value, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        var i = IndexOf(value);
        if (Choices.Count == 1 || i < 0)
        {
            return i < 0 ? HyperValue.Of(Choices[0]) : value;
        }

        var j = i == 0 ? 1 : i == Choices.Count - 1 ? i - 1 : i + (rng.NextInt(2) == 0 ? -1 : 1);
        return HyperValue.Of(Choices[j]);
    }
}

/// <summary>A fixed value carried in every point (for example the batch size of paper 000); never explored.</summary>
public sealed record ConstantParameter(string Name, HyperValue Value) : Hyperparameter(Name)
{
    public override bool IsSearched => false;

    public override bool HasGrid => true;

    public override void Validate()
    {
        ValidateName();
        if (!Value.IsCategorical && !double.IsFinite(Value.Number))
        {
            throw Invalid("a constant must be finite", Value);
        }
    }

    public override HyperValue Sample(Rng rng) => Value;

    public override IReadOnlyList<HyperValue> GridValues() => [Value];

    public override bool Contains(HyperValue value) => value.Equals(Value);
}
