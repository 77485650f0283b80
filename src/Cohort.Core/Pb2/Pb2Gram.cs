using System.Numerics.Tensors;
using Cohort.Core.GaussianProcesses;

namespace Cohort.Core.Pb2;

/// <summary>
/// The pairwise terms of <see cref="Pb2Kernel"/> over one fixed set of inputs — squared distances of the continuous
/// coordinates, time differences, categorical mismatches — computed once, so that each likelihood evaluation of a
/// marginal-likelihood fit builds K with one vectorised exponential over the lower triangle instead of a kernel call per
/// pair. Packed by rows: row i holds pairs (i, 0) … (i, i).
/// </summary>
internal sealed class Pb2Gram
{
    private readonly int _n;
    private readonly int _continuous;
    private readonly double[] _distance2;
    private readonly double[] _time;
    private readonly double[] _mismatches;
    private readonly double[] _exponent;
    private readonly double[] _covariance;

    public Pb2Gram(IReadOnlyList<double[]> points, int continuous)
    {
        _n = points.Count;
        _continuous = continuous;
        var size = _n * (_n + 1) / 2;
        _distance2 = new double[size];
        _time = new double[size];
        _mismatches = new double[size];
        _exponent = new double[size];
        _covariance = new double[_n * _n];
        var at = 0;
        for (var i = 0; i < _n; i++)
        {
            for (var j = 0; j <= i; j++, at++)
            {
                var (a, b) = (points[i], points[j]);
                var d2 = 0.0;
                for (var k = 1; k <= continuous; k++)
                {
                    var d = a[k] - b[k];
                    d2 += d * d;
                }

                _distance2[at] = d2;
                _time[at] = Math.Abs(a[0] - b[0]);
                _mismatches[at] = Pb2Kernel.Mismatches(a, b, continuous);
            }
        }
    }

    /// <summary>
    /// log p(y | X) under <paramref name="model"/> (a PB2 kernel; see <see cref="GaussianProcess"/> for the jitter), zero
    /// prior mean; NaN when not positive definite. Factorises in a buffer of its own: one call at a time.
    /// </summary>
    public double LogLikelihood(GpModel model, double[] y)
    {
        var kernel = Pb2Kernel.Of(model.Kernel, _continuous);
        TensorPrimitives.Multiply(_distance2, kernel.DistanceScale, _exponent);
        TensorPrimitives.MultiplyAdd(_time, kernel.TimeScale, _exponent, _exponent);
        TensorPrimitives.MultiplyAdd(_mismatches, kernel.CategoricalScale, _exponent, _exponent);
        TensorPrimitives.Exp(_exponent, _exponent);
        TensorPrimitives.Multiply(_exponent, kernel.Signal, _exponent);
        var covariance = _covariance;
        var diagonal = model.NoiseVariance + (1e-10 * kernel.Signal);
        for (var i = 0; i < _n; i++)
        {
            var packed = i * (i + 1) / 2;
            _exponent.AsSpan(packed, i + 1).CopyTo(covariance.AsSpan(i * _n, i + 1));
            covariance[(i * _n) + i] += diagonal;
        }

        return GaussianProcess.LogLikelihood(covariance, y, 0.0);
    }
}
