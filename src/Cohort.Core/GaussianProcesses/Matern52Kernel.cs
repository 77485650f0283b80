namespace Cohort.Core.GaussianProcesses;

/// <summary>
/// The Matérn 5/2 kernel (Rasmussen &amp; Williams 2006, eq. 4.17):
/// k(a, b) = σ_f² (1 + √5 r/ℓ + 5r²/(3ℓ²)) exp(−√5 r/ℓ), r = ‖a − b‖ (isotropic, Euclidean).
/// FIRE smooths training curves with it (paper 001 sec. 3.1.1).
/// </summary>
public sealed record Matern52Kernel : IKernel
{
    private const double Sqrt5 = 2.2360679774997896964;

    /// <param name="signalVariance">σ_f² (> 0).</param>
    /// <param name="lengthScale">ℓ (> 0).</param>
    public Matern52Kernel(double signalVariance, double lengthScale)
    {
        SignalVariance = KernelMath.Positive(signalVariance, nameof(signalVariance));
        LengthScale = KernelMath.Positive(lengthScale, nameof(lengthScale));
    }

    /// <summary>σ_f².</summary>
    public double SignalVariance { get; }

    /// <summary>ℓ.</summary>
    public double LengthScale { get; }

    public double Variance => SignalVariance;

    public double Evaluate(ReadOnlySpan<double> a, ReadOnlySpan<double> b) =>
        Evaluate(KernelMath.Distance(a, b), SignalVariance, LengthScale);

    /// <summary>The Matérn 5/2 covariance at distance <paramref name="r"/> (its sign is ignored).</summary>
    public static double Evaluate(double r, double signalVariance, double lengthScale)
    {
        var s = Sqrt5 * Math.Abs(r) / lengthScale;
        return signalVariance * (1.0 + s + (s * s / 3.0)) * Math.Exp(-s);
    }
}
