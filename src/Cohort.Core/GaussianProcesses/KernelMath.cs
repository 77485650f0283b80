using System.Globalization;
using System.Runtime.CompilerServices;

namespace Cohort.Core.GaussianProcesses;

/// <summary>Distances and argument checks shared by the kernels.</summary>
internal static class KernelMath
{
    /// <summary>‖a − b‖²; in one dimension the square of the difference.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double SquaredDistance(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        var sum = 0.0;
        for (var i = 0; i < a.Length; i++)
        {
            var d = a[i] - b[i];
            sum += d * d;
        }

        return sum;
    }

    /// <summary>‖a − b‖; exactly |a − b| in one dimension.</summary>
    public static double Distance(ReadOnlySpan<double> a, ReadOnlySpan<double> b) =>
        a.Length == 1 ? Math.Abs(a[0] - b[0]) : Math.Sqrt(SquaredDistance(a, b));

    public static double Positive(double value, string name)
    {
        if (!(double.IsFinite(value) && value > 0))
        {
            throw new ArgumentOutOfRangeException(name, value, string.Create(CultureInfo.InvariantCulture, $"{name} must be finite and > 0; got {value}."));
        }

        return value;
    }
}
