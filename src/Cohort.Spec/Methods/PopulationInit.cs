using System.Globalization;
using Cohort.Core.Hyperparameters;
using Cohort.Spec.Sections;

namespace Cohort.Spec.Methods;

/// <summary>Reads the <c>init</c> of a pbt or pb2 run and the population it implies.</summary>
internal static class PopulationInit
{
    private static readonly (string, InitializationKind)[] s_inits =
        [("grid-subsample", InitializationKind.SubsampledGrid), ("grid", InitializationKind.Grid), ("random", InitializationKind.Random), ("points", InitializationKind.Explicit)];

    /// <summary>
    /// The initialisation (default: the points when given, else the sub-sampled grid when every searched hyperparameter
    /// has one, else random) and the population (given, or derived from the grid or the points; at least 2). Either is
    /// null when an error was reported.
    /// </summary>
    public static (InitializationKind? Init, long? Population) Read(MethodReadContext context)
    {
        var run = context.Run;
        var points = context.Points;
        var method = context.Method;
        var hasGrid = context.Hyperparameters.All(h => h.Grid.Count > 0);
        var init = run.Choice("init", points.Count > 0 ? InitializationKind.Explicit : hasGrid ? InitializationKind.SubsampledGrid : InitializationKind.Random, s_inits);
        long? population = null;
        switch (init)
        {
            case InitializationKind.Explicit:
                if (points.Count == 0)
                {
                    (run.Get("init") ?? run.Node).ErrorAt(SpecNode.Join(context.Path, "points"), "init points needs a points list");
                }
                else
                {
                    population = context.Agree(points.Count, "the number of points");
                }

                break;
            case InitializationKind.Grid:
                population = context.Agree(context.GridSize("init grid"), "the grid size");
                break;
            case InitializationKind.SubsampledGrid:
                var size = context.GridSize("init grid-subsample");
                if (context.RequirePopulation($"a {method} run sub-sampling the grid needs a population") is { } given)
                {
                    if (size is not null && given > size)
                    {
                        run.Error("population", string.Create(CultureInfo.InvariantCulture, $"a sub-sample of the grid has at most the grid size ({size}) members"), given.ToString(CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        population = given;
                    }
                }

                break;
            case InitializationKind.Random:
                population = context.RequirePopulation($"a {method} run with random init needs a population");
                break;
        }

        if (init is not null and not InitializationKind.Explicit && points.Count > 0)
        {
            context.NoPoints("points are used only with init: points");
            population = null;
        }

        population = context.AtLeast(population, 2, $"a {method} run needs a population of at least 2 (members exploit each other)");
        return (init, population);
    }

    /// <summary>The spec's name of <paramref name="init"/>.</summary>
    public static string Name(InitializationKind init) => s_inits.First(i => i.Item2 == init).Item1;
}
