namespace Cohort.Core.GaussianProcesses;

/// <summary>
/// The squared-exponential kernel (Rasmussen &amp; Williams 2006, eq. 4.9): k(a, b) = σ_f² exp(−‖a − b‖² / (2ℓ²)),
/// isotropic. PB2 uses it over the normalised hyperparameters (Parker-Holder et al. 2020, sec. 4).
/// </summary>
public sealed record SquaredExponentialKernel : IKernel
{
    private readonly double _exponentScale;

    /// <param name="signalVariance">σ_f² (> 0).</param>
    /// <param name="lengthScale">ℓ (> 0).</param>
    public SquaredExponentialKernel(double signalVariance, double lengthScale)
    {
        SignalVariance = KernelMath.Positive(signalVariance, nameof(signalVariance));
        LengthScale = KernelMath.Positive(lengthScale, nameof(lengthScale));
        _exponentScale = -0.5 / (lengthScale * lengthScale);
    }

    /// <summary>σ_f².</summary>
    public double SignalVariance { get; }

    /// <summary>ℓ.</summary>
    public double LengthScale { get; }

    public double Variance => SignalVariance;

    public double Evaluate(ReadOnlySpan<double> a, ReadOnlySpan<double> b) =>
        SignalVariance * Math.Exp(LogShape(a, b));

    /// <summary>log(k(a, b) / σ_f²) = −‖a − b‖² / (2ℓ²): lets a product kernel use one exponential.</summary>
    internal double LogShape(ReadOnlySpan<double> a, ReadOnlySpan<double> b) => _exponentScale * KernelMath.SquaredDistance(a, b);
}
