using Cohort.Core.Hyperparameters;

namespace Cohort.Core.Pb2;

/// <summary>
/// Maps hyperparameters to the GP's input and back: [t, u₁ … u_p, c₁ … c_q]. Numeric parameters become
/// u ∈ [0, 1] linearly in their scale space (log-scaled ones in log space) between their bounds; categoricals become
/// the index of their choice. Parameters that cannot change (constants, equal bounds, one choice) are left out.
/// </summary>
internal sealed class Pb2Encoding
{
    public Pb2Encoding(SearchSpace space)
    {
        Space = space;
        Continuous = space.Searched.OfType<NumericParameter>().Where(p => p.Lower < p.Upper).ToArray();
        Categorical = space.Searched.OfType<CategoricalParameter>().Where(p => p.Choices.Count > 1).ToArray();
    }

    public SearchSpace Space { get; }

    public NumericParameter[] Continuous { get; }

    public CategoricalParameter[] Categorical { get; }

    /// <summary>t, then the continuous coordinates, then the categorical ones.</summary>
    public int Dimensions => 1 + Continuous.Length + Categorical.Length;

    /// <summary>Writes h's encoding at <paramref name="time"/>; false when a value is missing or not legal.</summary>
    public bool TryEncode(HyperparameterSet h, double time, Span<double> into)
    {
        into[0] = time;
        for (var i = 0; i < Continuous.Length; i++)
        {
            var p = Continuous[i];
            if (!h.TryGetValue(p.Name, out var v) || !p.Contains(v))
            {
                return false;
            }

            into[1 + i] = ToUnit(p, v.Number);
        }

        for (var j = 0; j < Categorical.Length; j++)
        {
            var p = Categorical[j];
            var index = h.TryGetValue(p.Name, out var v) ? p.IndexOf(v) : -1;
            if (index < 0)
            {
                return false;
            }

            into[1 + Continuous.Length + j] = index;
        }

        return true;
    }

    public double[]? Encode(HyperparameterSet h, double time)
    {
        var point = new double[Dimensions];
        return TryEncode(h, time, point) ? point : null;
    }

    /// <summary>u ∈ [0, 1] for a value of a numeric parameter.</summary>
    public static double ToUnit(NumericParameter p, double value)
    {
        var lo = p.ToScaleSpace(p.Lower);
        var hi = p.ToScaleSpace(p.Upper);
        return Math.Clamp((p.ToScaleSpace(value) - lo) / (hi - lo), 0.0, 1.0);
    }

    /// <summary>
    /// The legal value at u: the bounds themselves at 0 and 1 (no round trip through the log), otherwise brought inside
    /// by the parameter's own fit (clamped, integers rounded).
    /// </summary>
    public static double FromUnit(NumericParameter p, double u)
    {
        if (!(u > 0))
        {
            return p.Lower;
        }

        if (u >= 1)
        {
            return p.Upper;
        }

        var lo = p.ToScaleSpace(p.Lower);
        var hi = p.ToScaleSpace(p.Upper);
        return p.Fit(p.FromScaleSpace(lo + (u * (hi - lo))));
    }
}
