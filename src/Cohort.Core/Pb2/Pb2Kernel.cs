using System.Runtime.CompilerServices;
using Cohort.Core.GaussianProcesses;

namespace Cohort.Core.Pb2;

/// <summary>
/// PB2's kernel σ_f² exp(−‖u − u'‖²/(2ℓ²) − m/(2ℓ_c²)) (1 − ε)^{|t − t'|/2} (<see cref="TimeVaryingKernel"/> over a
/// <see cref="SquaredExponentialKernel"/>, or an <see cref="OverlapKernel"/> of one when there are categoricals) as one
/// exponent: k = σ_f² exp(a·d² + b·|Δt| + c·m) with a = −1/(2ℓ²), b = ½ log(1 − ε), c = −1/(2ℓ_c²), d² the squared
/// distance of the continuous coordinates u and m the number of differing categoricals. Written this way the factors
/// that do not depend on u (time, categories) are computed once per observation, and many entries take one vectorised
/// exponential.
/// </summary>
internal sealed record Pb2Kernel(double Signal, double DistanceScale, double TimeScale, double CategoricalScale, int Continuous)
{
    /// <summary>The parts of a kernel built by <see cref="Pb2Explore"/> (a time-varying kernel over a squared exponential, possibly inside an overlap kernel).</summary>
    public static Pb2Kernel Of(IKernel kernel, int continuous)
    {
        if (kernel is not TimeVaryingKernel { Inner: var inner } time
            || (inner is OverlapKernel o ? o.Continuous : inner) is not SquaredExponentialKernel se)
        {
            throw new ArgumentException($"Not a PB2 kernel: {kernel}.", nameof(kernel));
        }

        return new Pb2Kernel(
            se.SignalVariance,
            -0.5 / (se.LengthScale * se.LengthScale),
            0.5 * Math.Log(1.0 - time.Epsilon),
            inner is OverlapKernel overlap ? -0.5 / (overlap.CategoricalLengthScale * overlap.CategoricalLengthScale) : 0.0,
            continuous);
    }

    /// <summary>b·|t − t'| + c·m: the log of k/σ_f² contributed by the coordinates other than u, for a query <paramref name="point"/> and an input <paramref name="x"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public double LogWeight(ReadOnlySpan<double> point, ReadOnlySpan<double> x) =>
        (TimeScale * Math.Abs(point[0] - x[0])) + (CategoricalScale * Mismatches(point, x, Continuous));

    /// <summary>k((t, u, c), x) given the query's <see cref="LogWeight"/> against <paramref name="x"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public double Covariance(ReadOnlySpan<double> u, double logWeight, ReadOnlySpan<double> x)
    {
        var d2 = 0.0;
        for (var k = 0; k < Continuous; k++)
        {
            var d = u[k] - x[1 + k];
            d2 += d * d;
        }

        return Signal * Math.Exp((DistanceScale * d2) + logWeight);
    }

    /// <summary>How many categorical coordinates (after the time and the <paramref name="continuous"/> ones) differ.</summary>
    public static int Mismatches(ReadOnlySpan<double> a, ReadOnlySpan<double> b, int continuous)
    {
        var mismatches = 0;
        for (var j = 1 + continuous; j < a.Length; j++)
        {
            mismatches += a[j] != b[j] ? 1 : 0;
        }

        return mismatches;
    }
}
