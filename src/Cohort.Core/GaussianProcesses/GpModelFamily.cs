using System.Globalization;

namespace Cohort.Core.GaussianProcesses;

/// <summary>
/// A parametric family of models for <see cref="MarginalLikelihood.Maximize"/>: a parameter vector θ (usually logs of
/// variances and length scales) inside the box [<see cref="Lower"/>, <see cref="Upper"/>] maps to a <see cref="GpModel"/>.
/// </summary>
public sealed record GpModelFamily
{
    /// <param name="model">θ ↦ model; must accept any θ a search may end at (the box is where the likelihood is searched).</param>
    /// <param name="lower">The box's lower corner.</param>
    /// <param name="upper">The box's upper corner (same length, every entry ≥ the lower one).</param>
    public GpModelFamily(Func<IReadOnlyList<double>, GpModel> model, IReadOnlyList<double> lower, IReadOnlyList<double> upper)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(lower);
        ArgumentNullException.ThrowIfNull(upper);
        if (lower.Count != upper.Count || lower.Count == 0)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The box needs corners of one positive length; got {lower.Count} and {upper.Count}."), nameof(upper));
        }

        for (var i = 0; i < lower.Count; i++)
        {
            if (!(lower[i] <= upper[i]))
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Box coordinate {i}: lower {lower[i]} is not <= upper {upper[i]}."), nameof(upper));
            }
        }

        Model = model;
        Lower = lower.ToArray();
        Upper = upper.ToArray();
    }

    /// <summary>θ ↦ model.</summary>
    public Func<IReadOnlyList<double>, GpModel> Model { get; }

    /// <summary>The box's lower corner.</summary>
    public IReadOnlyList<double> Lower { get; }

    /// <summary>The box's upper corner.</summary>
    public IReadOnlyList<double> Upper { get; }

    /// <summary>The number of parameters.</summary>
    public int Count => Lower.Count;

    /// <summary>Whether θ lies in the closed box.</summary>
    public bool Contains(IReadOnlyList<double> theta)
    {
        ArgumentNullException.ThrowIfNull(theta);
        for (var i = 0; i < Count; i++)
        {
            if (theta[i] < Lower[i] || theta[i] > Upper[i])
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>θ moved at least <paramref name="margin"/> inside every face of the box (a warm start off the boundary).</summary>
    public double[] Inside(IReadOnlyList<double> theta, double margin)
    {
        ArgumentNullException.ThrowIfNull(theta);
        var result = new double[Count];
        for (var i = 0; i < Count; i++)
        {
            result[i] = Math.Clamp(theta[i], Lower[i] + margin, Upper[i] - margin);
        }

        return result;
    }
}
