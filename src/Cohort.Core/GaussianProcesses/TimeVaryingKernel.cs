using System.Globalization;
using System.Runtime.CompilerServices;

namespace Cohort.Core.GaussianProcesses;

/// <summary>
/// The time-varying kernel of TV-GP-UCB (Bogunovic, Scarlett and Cevher 2016) that PB2 uses (Parker-Holder et al. 2020,
/// sec. 4): coordinate 0 of a point is its time t, the rest go to <see cref="Inner"/>, and
/// k((t, x), (t', x')) = k_inner(x, x') · (1 − ε)^{|t − t'| / 2}. ε ∈ [0, 1) is the forgetting rate: data ε-forgets by
/// a factor (1 − ε)^{1/2} per unit of time, so old observations say less about the function now.
/// </summary>
public sealed record TimeVaryingKernel : IKernel
{
    private readonly double _halfLogDecay;

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
        _halfLogDecay = 0.5 * Math.Log(1.0 - epsilon);
    }

    /// <summary>The kernel over coordinates 1, 2, ….</summary>
    public IKernel Inner { get; }

    /// <summary>ε.</summary>
    public double Epsilon { get; }

    public double Variance => Inner.Variance;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public double Evaluate(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        // (1 − ε)^{|Δt|/2} = exp(½ log(1 − ε) |Δt|); with a squared-exponential inner kernel the product takes one exp.
        var time = _halfLogDecay * Math.Abs(a[0] - b[0]);
        return Inner switch
        {
            SquaredExponentialKernel se => se.SignalVariance * Math.Exp(se.LogShape(a[1..], b[1..]) + time),
            OverlapKernel { Continuous: SquaredExponentialKernel se } overlap => se.SignalVariance * Math.Exp(overlap.LogShape(se, a[1..], b[1..]) + time),
            _ => Inner.Evaluate(a[1..], b[1..]) * Math.Exp(time),
        };
    }
}
