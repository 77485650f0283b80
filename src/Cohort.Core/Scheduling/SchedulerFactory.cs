using Cohort.Core.Hyperparameters;

namespace Cohort.Core.Scheduling;

/// <summary>Builds the scheduler of a search method from its options (the CLI maps a spec's run onto this).</summary>
public static class SchedulerFactory
{
    /// <summary>
    /// Builds the scheduler for <paramref name="method"/>.
    /// Initial points: when <paramref name="initialPoints"/> is given it is used as is (its count must equal
    /// <paramref name="population"/>); otherwise PBT uses <see cref="PbtOptions.Initialization"/> (random from the priors,
    /// the grid, or the progressively sub-sampled grid) and so does PB2, grid search the whole grid (population must be the grid size,
    /// or 0 to take it from the grid), random search <paramref name="population"/> draws from the priors.
    /// </summary>
    public static IPopulationScheduler Create(
        MethodOptions method,
        SearchSpace space,
        Objective objective,
        long stepsPerMember,
        int population,
        ulong runSeed,
        IReadOnlyList<HyperparameterSet>? initialPoints = null)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(space);
        ArgumentNullException.ThrowIfNull(objective);
        method.Validate();
        if (initialPoints is not null && population != 0 && initialPoints.Count != population && method is not FireOptions)
        {
            throw new ArgumentException($"The population is {population} but {initialPoints.Count} initial points were given.", nameof(initialPoints));
        }

        switch (method)
        {
            case PbtOptions pbt:
                var points = initialPoints ?? InitialPoints.Create(pbt.Initialization, space, population, runSeed);
                return new PbtScheduler(pbt, space, points, objective, stepsPerMember, runSeed);
            case Pb2Options pb2:
                return new Pb2Scheduler(pb2, space, initialPoints ?? InitialPoints.Create(pb2.Initialization, space, population, runSeed), objective, stepsPerMember, runSeed);
            case GaOptions { Mode: GaMode.Topology } topology:
                return new TopologyGaScheduler(topology, space, initialPoints ?? InitialPoints.Create(topology.Initialization, space, population, runSeed), objective, stepsPerMember, runSeed);
            case GaOptions ga:
                return new GaScheduler(ga, space, initialPoints ?? InitialPoints.Create(ga.Initialization, space, population, runSeed), objective, stepsPerMember, runSeed);
            case FireOptions fire:
                return CreateFire(fire, space, objective, stepsPerMember, population, runSeed, initialPoints);
            case GridOptions grid:
                if (initialPoints is null && population != 0 && population != space.GridSize)
                {
                    throw new ArgumentException($"Grid search trains the whole grid of {space.GridSize} points, but the population is {population}.", nameof(population));
                }

                return new GridScheduler(grid, space, objective, stepsPerMember, runSeed, initialPoints);
            case RandomOptions random:
                return new RandomScheduler(random, space, objective, stepsPerMember, population, runSeed, initialPoints);
            default:
                throw new ArgumentException($"No scheduler for method options of type {method.GetType().Name}.", nameof(method));
        }
    }

    /// <summary>
    /// FIRE PBT: <paramref name="population"/> is the total number of workers W, split by <see cref="FireOptions.Split"/>
    /// into n sub-populations of S members and |H| evaluators; <paramref name="initialPoints"/>, when given, holds the
    /// n × S members' points (or W points, of which the first n × S are used).
    /// </summary>
    private static FireScheduler CreateFire(
        FireOptions fire,
        SearchSpace space,
        Objective objective,
        long stepsPerMember,
        int population,
        ulong runSeed,
        IReadOnlyList<HyperparameterSet>? initialPoints)
    {
        var (size, evaluators) = fire.Split(population);
        var members = fire.SubPopulations * size;
        if (initialPoints is not null && initialPoints.Count < members)
        {
            throw new ArgumentException($"FIRE PBT has {members} sub-population members but {initialPoints.Count} initial points were given.", nameof(initialPoints));
        }

        var points = initialPoints?.Take(members).ToArray() ?? InitialPoints.Create(fire.Initialization, space, members, runSeed);
        return new FireScheduler(fire with { SubPopulationSize = size, Evaluators = evaluators }, space, points, objective, stepsPerMember, runSeed);
    }
}
