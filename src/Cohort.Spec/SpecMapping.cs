using Cohort.Core.Hyperparameters;
using Cohort.Core.Randomness;
using Cohort.Core.Trainables;

namespace Cohort.Spec;

/// <summary>The parts of a spec every method maps the same way onto Core: the run seed, the search space, explicit points.</summary>
public static class SpecMapping
{
    /// <summary>The run's seed: derived from the experiment seed and the run's name, so adding a run changes no other.</summary>
    public static ulong RunSeed(ExperimentSpec spec, RunSpec run)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(run);
        return Seeds.Derive(spec.Seed, Seeds.Purpose(run.Name));
    }

    /// <summary>The search space: the searched hyperparameters (perturbed values brought back by <paramref name="boundary"/>) plus the constants.</summary>
    public static SearchSpace Space(ExperimentSpec spec, BoundaryPolicy boundary = BoundaryPolicy.Clamp)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return Space(spec.Hyperparameters, spec.Constants, boundary);
    }

    /// <summary>The search space of <paramref name="hyperparameters"/> and <paramref name="constants"/>.</summary>
    public static SearchSpace Space(IEnumerable<HyperparameterSpec> hyperparameters, HyperparameterSet constants, BoundaryPolicy boundary = BoundaryPolicy.Clamp)
    {
        ArgumentNullException.ThrowIfNull(hyperparameters);
        ArgumentNullException.ThrowIfNull(constants);
        var parameters = new List<Hyperparameter>();
        foreach (var h in hyperparameters)
        {
            var grid = h.Grid.Count > 0 ? h.Grid.Select(v => v.Number).ToArray() : null;
            parameters.Add(h.Type switch
            {
                HyperparameterType.Continuous => new FloatParameter(h.Name, h.Min!.Value, h.Max!.Value, h.Scale, Grid: grid, Boundary: boundary),
                HyperparameterType.Integral => new IntegerParameter(h.Name, h.Min!.Value, h.Max!.Value, h.Scale, Grid: grid, Boundary: boundary),
                _ => new CategoricalParameter(h.Name, h.Choices.ToArray(), h.Grid.Count > 0 ? h.Grid.Select(v => v.Category!).ToArray() : null),
            });
        }

        foreach (var c in constants)
        {
            parameters.Add(new ConstantParameter(c.Key, c.Value));
        }

        return new SearchSpace(parameters);
    }

    /// <summary>The run's explicit points with the constants added; null when it has none (the method initialises its population).</summary>
    public static IReadOnlyList<HyperparameterSet>? Points(RunSpec run, SearchSpace space)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(space);
        if (run.Points.Count == 0)
        {
            return null;
        }

        var constants = space.Parameters.OfType<ConstantParameter>().ToArray();
        return run.Points.Select(point => constants.Aggregate(point, (p, c) => p.With(c.Name, c.Value))).ToArray();
    }
}
