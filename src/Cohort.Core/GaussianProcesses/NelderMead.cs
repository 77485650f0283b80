using System.Runtime.CompilerServices;
namespace Cohort.Core.GaussianProcesses;

/// <summary>
/// The Nelder–Mead simplex method (Nelder and Mead 1965, with the standard coefficients of Lagarias et al. 1998:
/// reflection 1, expansion 2, contraction ½, shrink ½) under an evaluation budget. Unlike a solver that gives up at its
/// iteration limit, it always returns the best point it has evaluated. Deterministic.
/// </summary>
public static class NelderMead
{
    /// <summary>
    /// Minimises <paramref name="f"/> from <paramref name="start"/>, with an initial simplex of <paramref name="start"/>
    /// and its moves by <paramref name="step"/> along each axis. Stops after <paramref name="maxEvaluations"/>
    /// evaluations, or when the values at the simplex's vertices are within <paramref name="tolerance"/> of each other.
    /// </summary>
    /// <returns>The best point evaluated and its value.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static (double[] Point, double Value) Minimize(Func<double[], double> f, IReadOnlyList<double> start, double step, int maxEvaluations, double tolerance)
    {
        ArgumentNullException.ThrowIfNull(f);
        ArgumentNullException.ThrowIfNull(start);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxEvaluations);
        var d = start.Count;
        var evaluations = 0;
        double Evaluate(double[] x)
        {
            evaluations++;
            var v = f(x);
            return double.IsNaN(v) ? double.PositiveInfinity : v;
        }

        var simplex = new double[d + 1][];
        var values = new double[d + 1];
        simplex[0] = start.ToArray();
        values[0] = Evaluate(simplex[0]);
        for (var i = 0; i < d && evaluations < maxEvaluations; i++)
        {
            simplex[i + 1] = start.ToArray();
            simplex[i + 1][i] += step;
            values[i + 1] = Evaluate(simplex[i + 1]);
        }

        if (evaluations < d + 1)
        {
            return Best(simplex, values, evaluations);
        }

        var order = new int[d + 1];
        while (evaluations < maxEvaluations)
        {
            for (var i = 0; i <= d; i++)
            {
                order[i] = i;
            }

            Array.Sort(order, (a, b) => values[a] != values[b] ? values[a].CompareTo(values[b]) : a.CompareTo(b));
            var best = order[0];
            var worst = order[d];
            var second = order[d - 1];
            if (values[worst] - values[best] <= tolerance)
            {
                break;
            }

            var centroid = new double[d];
            for (var k = 0; k < d; k++)
            {
                for (var i = 0; i < d; i++)
                {
                    centroid[k] += simplex[order[i]][k];
                }

                centroid[k] /= d;
            }

            double[] Toward(double t) => centroid.Select((c, k) => c + (t * (simplex[worst][k] - c))).ToArray();

            var reflected = Toward(-1.0);
            var fr = Evaluate(reflected);
            if (fr < values[best] && evaluations < maxEvaluations)
            {
                var expanded = Toward(-2.0);
                var fe = Evaluate(expanded);
                (simplex[worst], values[worst]) = fe < fr ? (expanded, fe) : (reflected, fr);
            }
            else if (fr < values[second])
            {
                (simplex[worst], values[worst]) = (reflected, fr);
            }
            else if (evaluations < maxEvaluations)
            {
                var outside = fr < values[worst];
                var contracted = Toward(outside ? -0.5 : 0.5);
                var fc = Evaluate(contracted);
                if (fc < (outside ? fr : values[worst]))
                {
                    (simplex[worst], values[worst]) = (contracted, fc);
                }
                else
                {
                    for (var i = 1; i <= d && evaluations < maxEvaluations; i++)
                    {
                        var v = order[i];
                        simplex[v] = simplex[v].Select((x, k) => simplex[best][k] + (0.5 * (x - simplex[best][k]))).ToArray();
                        values[v] = Evaluate(simplex[v]);
                    }
                }
            }
        }

        return Best(simplex, values, evaluations);
    }

    private static (double[] Point, double Value) Best(double[][] simplex, double[] values, int evaluated)
    {
        var best = 0;
        for (var i = 1; i < Math.Min(evaluated, values.Length); i++)
        {
            if (values[i] < values[best])
            {
                best = i;
            }
        }

        return (simplex[best], values[best]);
    }
}
