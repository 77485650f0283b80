namespace Cohort.Core.GaussianProcesses;

/// <summary>
/// A kernel over mixed inputs: the first <see cref="ContinuousDimensions"/> coordinates go to <see cref="Continuous"/>,
/// the others are category indices compared for equality (the overlap, or Hamming, kernel):
/// k(a, b) = k_cont(a_cont, b_cont) · exp(−m / (2ℓ_c²)), m = the number of categorical coordinates where a and b differ.
/// Each factor exp(−[c ≠ c'] / (2ℓ_c²)) is a constant plus a non-negative multiple of the identity, so the product is
/// positive semi-definite. A long ℓ_c lets observations of one category inform another; a short one separates them
/// (the GP is then conditioned on the category, as in PB2-Mix, Parker-Holder et al. 2021).
/// </summary>
public sealed record OverlapKernel : IKernel
{
    /// <param name="continuous">The kernel over the continuous coordinates.</param>
    /// <param name="continuousDimensions">How many leading coordinates are continuous (≥ 0).</param>
    /// <param name="categoricalLengthScale">ℓ_c (> 0).</param>
    public OverlapKernel(IKernel continuous, int continuousDimensions, double categoricalLengthScale)
    {
        ArgumentNullException.ThrowIfNull(continuous);
        ArgumentOutOfRangeException.ThrowIfNegative(continuousDimensions);
        Continuous = continuous;
        ContinuousDimensions = continuousDimensions;
        CategoricalLengthScale = KernelMath.Positive(categoricalLengthScale, nameof(categoricalLengthScale));
    }

    /// <summary>The kernel over the continuous coordinates.</summary>
    public IKernel Continuous { get; }

    /// <summary>The number of leading continuous coordinates.</summary>
    public int ContinuousDimensions { get; }

    /// <summary>ℓ_c.</summary>
    public double CategoricalLengthScale { get; }

    public double Variance => Continuous.Variance;

    public double Evaluate(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        var mismatches = Mismatches(a, b);
        var k = Continuous.Evaluate(a[..ContinuousDimensions], b[..ContinuousDimensions]);
        return mismatches == 0 ? k : k * Math.Exp(-mismatches / (2.0 * CategoricalLengthScale * CategoricalLengthScale));
    }

    /// <summary>log(k(a, b) / σ_f²) when the continuous kernel is squared-exponential: one exponential for the product.</summary>
    internal double LogShape(SquaredExponentialKernel continuous, ReadOnlySpan<double> a, ReadOnlySpan<double> b) =>
        continuous.LogShape(a[..ContinuousDimensions], b[..ContinuousDimensions])
        - (Mismatches(a, b) / (2.0 * CategoricalLengthScale * CategoricalLengthScale));

    private int Mismatches(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        var mismatches = 0;
        for (var i = ContinuousDimensions; i < a.Length; i++)
        {
            if (a[i] != b[i])
            {
                mismatches++;
            }
        }

        return mismatches;
    }
}
