using System.Globalization;

namespace Cohort.Core.GaussianProcesses;

/// <summary>
/// The time-varying kernel of TV-GP-UCB (Bogunovic, Scarlett and Cevher 2016) that PB2 uses (Parker-Holder et al. 2020,
/// sec. 4): coordinate 0 of a point is its time t, the rest go to <see cref="Inner"/>, and
/// k((t, x), (t', x')) = k_inner(x, x') · (1 − ε)^{|t − t'| / 2}. ε ∈ [0, 1) is the forgetting rate: data ε-forgets by
/// a factor (1 − ε)^{1/2} per unit of time, so old observations say less about the function now.
/// </summary>
public sealed record TimeVaryingKernel : IKernel
{
    /// <param name="inner">The kernel over the coordinates after the time.</param>
    /// <param name="epsilon">ε in [0, 1).</param>
    public TimeVaryingKernel(IKernel inner, double epsilon)
    {
        ArgumentNullException.ThrowIfNull(inner);
        if (!(epsilon >= 0 && epsilon < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, string.Create(CultureInfo.InvariantCulture, $"The forgetting rate epsilon must be in [0, 1); got {epsilon}."));
        }

        Inner = inner;
        Epsilon = epsilon;
    }

    /// <summary>The kernel over coordinates 1, 2, ….</summary>
    public IKernel Inner { get; }

    /// <summary>ε.</summary>
    public double Epsilon { get; }

    public double Variance => Inner.Variance;

    public double Evaluate(ReadOnlySpan<double> a, ReadOnlySpan<double> b) =>
        Inner.Evaluate(a[1..], b[1..]) * Math.Pow(1.0 - Epsilon, 0.5 * Math.Abs(a[0] - b[0]));
}
