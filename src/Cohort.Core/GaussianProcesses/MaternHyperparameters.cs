namespace Cohort.Core.GaussianProcesses;

/// <summary>
/// Hyperparameters of a Matérn 5/2 Gaussian process in the units of the data (<see cref="Matern52Kernel"/> plus noise
/// σ_n² on the diagonal); what <see cref="GaussianProcess.FitEmpiricalBayes"/> fits to a training curve.
/// </summary>
/// <param name="SignalVariance">σ_f².</param>
/// <param name="LengthScale">ℓ.</param>
/// <param name="NoiseVariance">σ_n².</param>
public sealed record MaternHyperparameters(double SignalVariance, double LengthScale, double NoiseVariance)
{
    /// <summary>The hyperparameters of a process whose kernel is a <see cref="Matern52Kernel"/>.</summary>
    public static MaternHyperparameters Of(GaussianProcess process)
    {
        ArgumentNullException.ThrowIfNull(process);
        return process.Kernel is Matern52Kernel k
            ? new MaternHyperparameters(k.SignalVariance, k.LengthScale, process.NoiseVariance)
            : throw new ArgumentException($"The process's kernel is a {process.Kernel.GetType().Name}, not a Matérn 5/2 kernel.", nameof(process));
    }
}
