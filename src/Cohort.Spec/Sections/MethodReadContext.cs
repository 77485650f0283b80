using System.Globalization;
using Cohort.Core.Hyperparameters;

namespace Cohort.Spec.Sections;

/// <summary>
/// One run as a method section reads it: the run's mapping (its keys already checked: the common ones and the
/// section's), the common values already read, and the experiment's hyperparameters, steps and ready interval.
/// </summary>
public sealed class MethodReadContext
{
    internal const long MaxPopulation = 1_000_000;

    internal MethodReadContext(
        SpecMap run,
        string method,
        long? population,
        SpecList<HyperparameterSet> points,
        SpecList<HyperparameterSpec> hyperparameters,
        long? steps,
        ReadySpec? ready)
    {
        Run = run;
        Method = method;
        Population = population;
        Points = points;
        Hyperparameters = hyperparameters;
        Steps = steps;
        Ready = ready;
    }

    /// <summary>The run's mapping.</summary>
    public SpecMap Run { get; }

    /// <summary>The run's key path, e.g. <c>runs[2]</c>.</summary>
    public string Path => Run.Path;

    /// <summary>The method's name.</summary>
    public string Method { get; }

    /// <summary>The <c>population</c> as given (an integer in [1, 1000000]); null when absent.</summary>
    public long? Population { get; }

    /// <summary>The run's <c>points</c> (each sets every searched hyperparameter); empty when absent.</summary>
    public SpecList<HyperparameterSet> Points { get; }

    /// <summary>The searched hyperparameters.</summary>
    public SpecList<HyperparameterSpec> Hyperparameters { get; }

    /// <summary>Steps per member; null when <c>steps</c> is invalid.</summary>
    public long? Steps { get; }

    /// <summary>The ready interval; null when <c>ready</c> is invalid.</summary>
    public ReadySpec? Ready { get; }

    /// <summary>The size of the grid (product of every searched hyperparameter's grid); null, reported, when one has no grid or it is too large.</summary>
    public long? GridSize(string what)
    {
        var missing = Hyperparameters.Where(h => h.Grid.Count == 0).Select(h => "hyperparameters." + h.Name).ToList();
        if (missing.Count > 0)
        {
            Run.Node.Error($"{what} needs a grid for every searched hyperparameter; {string.Join(", ", missing)} {(missing.Count == 1 ? "has" : "have")} none (add grid: COUNT or grid: [values])");
            return null;
        }

        long size = 1;
        foreach (var h in Hyperparameters)
        {
            size = Math.Min(size * Math.Max(1, h.Grid.Count), MaxPopulation + 1);
        }

        if (size > MaxPopulation)
        {
            Run.Node.Error(string.Create(CultureInfo.InvariantCulture, $"{what}: the grid has more than {MaxPopulation} cells"));
            return null;
        }

        return size;
    }

    /// <summary>
    /// The population derived from the spec (<paramref name="derived"/>, e.g. the grid size); a given <c>population</c>
    /// must equal it. Null, reported, when they differ.
    /// </summary>
    public long? Agree(long? derived, string what)
    {
        if (derived is not null && Population is not null && derived != Population)
        {
            Run.Error("population", string.Create(CultureInfo.InvariantCulture, $"must equal {what} ({derived}); leave population out"), Population.Value.ToString(CultureInfo.InvariantCulture));
            return null;
        }

        return derived;
    }

    /// <summary>The given population; when absent reports "required key is missing: <paramref name="why"/>" and returns null.</summary>
    public long? RequirePopulation(string why)
    {
        if (Population is null)
        {
            Run.Error("population", "required key is missing: " + why);
        }

        return Population;
    }

    /// <summary>Reports a population below <paramref name="minimum"/> (<paramref name="why"/> says why) and returns null; else <paramref name="population"/>.</summary>
    public long? AtLeast(long? population, long minimum, string why)
    {
        if (population is { } p && p < minimum)
        {
            Run.Error("population", why, p.ToString(CultureInfo.InvariantCulture));
            return null;
        }

        return population;
    }

    /// <summary>Reports <c>points</c> when given (<paramref name="why"/> says why the method takes none).</summary>
    public void NoPoints(string why)
    {
        if (Points.Count > 0)
        {
            Run.Error("points", why);
        }
    }

    /// <summary>
    /// A method that acts at ready points needs <c>ready.every &lt; steps</c>; otherwise reports at <c>ready.every</c>
    /// that the run would never <paramref name="act"/> (exploit, breed, …).
    /// </summary>
    public void RequireReadyBeforeEnd(string act)
    {
        if (Ready is not null && Steps is not null && Ready.Every >= Steps)
        {
            Run.Node.ErrorAt(
                "ready.every",
                string.Create(CultureInfo.InvariantCulture, $"a {Method} run ({Path}) needs ready.every < steps = {Steps}, or it never {act}"),
                Ready.Every.ToString(CultureInfo.InvariantCulture));
        }
    }
}
