using System.Numerics.Tensors;
using Cohort.Core.GaussianProcesses;

namespace Cohort.Core.Pb2;

/// <summary>
/// The UCB acquisition μ(u) + √β_t σ(u) of one explore as a function of the continuous coordinates u ∈ [0, 1]^p, the
/// time and categorical coordinates fixed. The kernel's factors that do not depend on u (<see cref="Pb2Kernel.LogWeight"/>)
/// are computed once per input; an evaluation is the squared distances, one vectorised exponential, a dot product for
/// the mean and L⁻¹k* for the variance, into buffers it owns (not thread-safe; one explore uses it).
/// </summary>
internal sealed class Pb2Acquisition
{
    private readonly GaussianProcess? _process;
    private readonly Pb2Kernel _kernel;
    private readonly double _root;
    private readonly int _n;
    private readonly double[] _inputs;
    private readonly double[] _logWeights;
    private readonly double[] _k;
    private readonly double[] _w;

    /// <param name="process">The GP (null: the prior, a constant acquisition).</param>
    /// <param name="points">The process's inputs, in its order.</param>
    /// <param name="kernel">Its kernel's factors.</param>
    /// <param name="point">The query's fixed coordinates: time first, categories after the continuous ones.</param>
    /// <param name="beta">β_t.</param>
    public Pb2Acquisition(GaussianProcess? process, double[][] points, Pb2Kernel kernel, double[] point, double beta)
    {
        _process = process;
        _kernel = kernel;
        _root = Math.Sqrt(beta);
        _n = process is null ? 0 : points.Length;
        var p = kernel.Continuous;
        _inputs = new double[_n * p];
        _logWeights = new double[_n];
        var logSignal = Math.Log(kernel.Signal);
        for (var i = 0; i < _n; i++)
        {
            Array.Copy(points[i], 1, _inputs, i * p, p);
            _logWeights[i] = logSignal + kernel.LogWeight(point, points[i]);
        }

        _k = new double[_n];
        _w = new double[_n];
    }

    /// <summary>μ(u) + √β_t σ(u): k*_i = exp(log σ_f² + a‖u − u_i‖² + log weight_i), then the process's mean and variance from k*.</summary>
    public double Evaluate(double[] u)
    {
        if (_process is not { } process)
        {
            return _root * Math.Sqrt(_kernel.Signal);
        }

        var p = _kernel.Continuous;
        var scale = _kernel.DistanceScale;
        for (var i = 0; i < _n; i++)
        {
            var d2 = 0.0;
            var x = _inputs.AsSpan(i * p, p);
            for (var c = 0; c < x.Length; c++)
            {
                var d = u[c] - x[c];
                d2 += d * d;
            }

            _k[i] = (scale * d2) + _logWeights[i];
        }

        TensorPrimitives.Exp(_k, _k);
        var mean = process.MeanFrom(_k);
        var variance = Math.Max(0.0, _kernel.Signal - process.Whiten(_k, _w, 0));
        return mean + (_root * Math.Sqrt(variance));
    }
}
