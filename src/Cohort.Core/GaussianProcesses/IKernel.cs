namespace Cohort.Core.GaussianProcesses;

/// <summary>
/// A stationary covariance function k(a, b) of a <see cref="GaussianProcess"/> over points given as coordinate vectors.
/// Implementations are immutable records; composite kernels (<see cref="TimeVaryingKernel"/>,
/// <see cref="OverlapKernel"/>) hand a slice of the coordinates to the kernel they wrap.
/// </summary>
public interface IKernel
{
    /// <summary>k(x, x): the prior variance, the same at every x.</summary>
    double Variance { get; }

    /// <summary>k(a, b); <paramref name="a"/> and <paramref name="b"/> have the same length. Symmetric, bit for bit.</summary>
    double Evaluate(ReadOnlySpan<double> a, ReadOnlySpan<double> b);
}
