using System.Globalization;
using Cohort.Core.Hyperparameters;
using Cohort.Core.Scheduling;

namespace Cohort.Core.Trainables;

/// <summary>
/// What a trainable accepts and reports: the hyperparameters it reads (names, types, ranges or choices, which are
/// required) and the metrics <see cref="ITrainable.Evaluate"/> returns. Computed from the trainable's settings alone
/// (no data is loaded), so a spec can be checked against it before anything trains: an unknown name, a range reaching
/// outside the declared one, a wrong type, a missing required hyperparameter or an unknown metric is a
/// <see cref="DeclarationProblem"/>.
/// </summary>
public sealed class TrainableDeclaration
{
    private readonly Dictionary<string, HyperparameterDeclaration> _byName;

    /// <summary>Declares exactly <paramref name="hyperparameters"/> and <paramref name="metrics"/>.</summary>
    /// <param name="trainable">Names the trainable in messages, e.g. <c>network</c>.</param>
    /// <param name="hyperparameters">Every hyperparameter the trainable reads, names distinct.</param>
    /// <param name="metrics">Every metric it reports.</param>
    public TrainableDeclaration(string trainable, IEnumerable<HyperparameterDeclaration> hyperparameters, IEnumerable<string> metrics)
        : this(trainable, hyperparameters, metrics, acceptsAny: false)
    {
    }

    private TrainableDeclaration(string trainable, IEnumerable<HyperparameterDeclaration> hyperparameters, IEnumerable<string> metrics, bool acceptsAny)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(trainable);
        ArgumentNullException.ThrowIfNull(hyperparameters);
        ArgumentNullException.ThrowIfNull(metrics);
        Trainable = trainable;
        Hyperparameters = hyperparameters.ToArray();
        Metrics = metrics.ToArray();
        AcceptsAnyHyperparameter = acceptsAny;
        _byName = new Dictionary<string, HyperparameterDeclaration>(StringComparer.Ordinal);
        foreach (var h in Hyperparameters)
        {
            if (!_byName.TryAdd(h.Name, h))
            {
                throw new ArgumentException($"Hyperparameter '{h.Name}' is declared twice.", nameof(hyperparameters));
            }
        }
    }

    /// <summary>Names the trainable in messages.</summary>
    public string Trainable { get; }

    /// <summary>The declared hyperparameters, in the trainable's order.</summary>
    public IReadOnlyList<HyperparameterDeclaration> Hyperparameters { get; }

    /// <summary>The metrics the trainable reports.</summary>
    public IReadOnlyList<string> Metrics { get; }

    /// <summary>
    /// True for a trainable that declares only its metrics (<see cref="AnyHyperparameter"/>): names it does not declare
    /// are let through unchecked.
    /// </summary>
    public bool AcceptsAnyHyperparameter { get; }

    /// <summary>
    /// A declaration of metrics only, for a trainable that does not list its hyperparameters (the default of
    /// <see cref="ITrainableFactory.Declaration"/>): any name passes; the declared ones are still checked.
    /// </summary>
    public static TrainableDeclaration AnyHyperparameter(string trainable, IEnumerable<string> metrics, IEnumerable<HyperparameterDeclaration>? known = null) =>
        new(trainable, known ?? [], metrics, acceptsAny: true);

    /// <summary>
    /// Names the trainable reads only under other settings, each with the setting that enables it (for example
    /// <c>momentum</c>: "only with optimizer sgd"): a spec naming one is still rejected, and told why.
    /// </summary>
    public IReadOnlyDictionary<string, string> Unavailable { get; init; } = new Dictionary<string, string>();

    /// <summary>The declaration of <paramref name="name"/>, or null.</summary>
    public HyperparameterDeclaration? Find(string name) => _byName.GetValueOrDefault(name);

    /// <summary>Checks every parameter of <paramref name="space"/> (searched and constant) and that every required one is there.</summary>
    public IReadOnlyList<DeclarationProblem> Check(SearchSpace space)
    {
        ArgumentNullException.ThrowIfNull(space);
        var problems = new List<DeclarationProblem>();
        foreach (var p in space.Parameters)
        {
            if (Known(p.Name, problems) is not { } d)
            {
                continue;
            }

            switch (p)
            {
                case NumericParameter n:
                    if (TypeProblem(d, n.IsInteger ? HyperparameterType.Integral : HyperparameterType.Continuous) is { } typeProblem)
                    {
                        problems.Add(typeProblem);
                    }
                    else
                    {
                        Bound(d, n.Lower, DeclarationProblemKind.LowerBoundOutside, problems);
                        Bound(d, n.Upper, DeclarationProblemKind.UpperBoundOutside, problems);
                    }

                    break;
                case CategoricalParameter c:
                    if (TypeProblem(d, HyperparameterType.Categorical) is { } categoricalProblem)
                    {
                        problems.Add(categoricalProblem);
                    }
                    else if (d.Choices is { } choices)
                    {
                        problems.AddRange(c.Choices.Where(x => !choices.Contains(x, StringComparer.Ordinal)).Select(x => new DeclarationProblem(
                            DeclarationProblemKind.NotAChoice, d.Name, x, $"'{d.Name}' of trainable '{Trainable}' takes one of {string.Join(", ", choices)}{NameSuggestions.DidYouMean(x, choices)}")));
                    }

                    break;
                case ConstantParameter k:
                    Value(d, k.Value, problems);
                    break;
            }

            if (d.ReadWhen is { } condition)
            {
                Condition(d.Name, condition, space, problems);
            }
        }

        Missing(space.Parameters.Select(p => p.Name), problems);
        return problems;
    }

    /// <summary>
    /// A problem when no value the space allows for <paramref name="condition"/>'s categorical (its choices, its
    /// constant, or the trainable's default when the space lacks it) is one under which <paramref name="name"/> is read.
    /// Points are not checked this way: a member whose optimizer does not read a value simply ignores it.
    /// </summary>
    private void Condition(string name, HyperparameterCondition condition, SearchSpace space, List<DeclarationProblem> problems)
    {
        IReadOnlyList<string> possible = space.Parameters.FirstOrDefault(p => p.Name == condition.Name) switch
        {
            CategoricalParameter c => c.Choices,
            ConstantParameter { Value.IsCategorical: true } k => [k.Value.Category!],
            null => [condition.Default],
            _ => [],
        };
        if (!possible.Any(v => condition.Values.Contains(v, StringComparer.Ordinal)))
        {
            problems.Add(new DeclarationProblem(
                DeclarationProblemKind.NeverRead, name, name,
                $"trainable '{Trainable}' reads '{name}' only with {condition.Describe()}; here {condition.Name} is only {string.Join(" or ", possible)}"));
        }
    }

    /// <summary>Checks every value of <paramref name="point"/> and that every required hyperparameter is set.</summary>
    public IReadOnlyList<DeclarationProblem> Check(HyperparameterSet point)
    {
        ArgumentNullException.ThrowIfNull(point);
        var problems = new List<DeclarationProblem>();
        foreach (var (name, value) in point)
        {
            if (Known(name, problems) is { } d)
            {
                Value(d, value, problems);
            }
        }

        Missing(point.Keys, problems);
        return problems;
    }

    /// <summary>A problem when <paramref name="metric"/> is not one of <see cref="Metrics"/>, else null.</summary>
    public DeclarationProblem? CheckMetric(string metric)
    {
        ArgumentNullException.ThrowIfNull(metric);
        return Metrics.Contains(metric, StringComparer.Ordinal)
            ? null
            : new DeclarationProblem(
                DeclarationProblemKind.UnknownMetric, metric, metric,
                $"trainable '{Trainable}' reports no metric '{metric}'{NameSuggestions.DidYouMean(metric, Metrics)}; it reports {string.Join(", ", Metrics)}");
    }

    /// <summary>
    /// Throws <see cref="ArgumentException"/> listing every problem when the objective's metric is not reported or a
    /// point (for example each initial point of a run) is not accepted.
    /// </summary>
    public void Validate(Objective objective, IEnumerable<HyperparameterSet> points)
    {
        ArgumentNullException.ThrowIfNull(objective);
        ArgumentNullException.ThrowIfNull(points);
        var problems = new List<string>();
        if (CheckMetric(objective.Metric) is { } metric)
        {
            problems.Add(metric.ToString());
        }

        foreach (var point in points)
        {
            problems.AddRange(Check(point).Select(p => p.ToString()));
        }

        var distinct = problems.Distinct(StringComparer.Ordinal).ToList();
        if (distinct.Count > 0)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"The trainable rejects the run ({distinct.Count} problem{(distinct.Count == 1 ? "" : "s")}): ")
                + string.Join("; ", distinct.Take(10)) + (distinct.Count > 10 ? "; …" : "."),
                nameof(points));
        }
    }

    private HyperparameterDeclaration? Known(string name, List<DeclarationProblem> problems)
    {
        if (_byName.TryGetValue(name, out var d))
        {
            return d;
        }

        if (!AcceptsAnyHyperparameter)
        {
            var names = Hyperparameters.Select(h => h.Name).ToArray();
            var why = Unavailable.TryGetValue(name, out var setting) ? $" ({setting})" : NameSuggestions.DidYouMean(name, names);
            problems.Add(new DeclarationProblem(
                DeclarationProblemKind.UnknownHyperparameter, name, name,
                names.Length == 0
                    ? $"trainable '{Trainable}' takes no hyperparameter{why}"
                    : $"trainable '{Trainable}' has no hyperparameter '{name}'{why}; it accepts {NameSuggestions.List(names)}"));
        }

        return null;
    }

    private DeclarationProblem? TypeProblem(HyperparameterDeclaration d, HyperparameterType actual)
    {
        var fits = d.Type == actual || (d.Type == HyperparameterType.Continuous && actual == HyperparameterType.Integral);
        return fits
            ? null
            : new DeclarationProblem(
                DeclarationProblemKind.WrongType, d.Name, HyperparameterDeclaration.TypeName(actual),
                $"trainable '{Trainable}' takes '{d.Name}' as {d.Describe()}");
    }

    private void Bound(HyperparameterDeclaration d, double bound, DeclarationProblemKind kind, List<DeclarationProblem> problems)
    {
        if (!d.Range.Contains(bound))
        {
            problems.Add(new DeclarationProblem(kind, d.Name, Format(bound), $"trainable '{Trainable}' takes '{d.Name}' in {d.Range}"));
        }
    }

    private void Value(HyperparameterDeclaration d, HyperValue value, List<DeclarationProblem> problems)
    {
        if (value.IsCategorical)
        {
            if (TypeProblem(d, HyperparameterType.Categorical) is { } p)
            {
                problems.Add(p with { Kind = DeclarationProblemKind.WrongType, Value = value.Category });
            }
            else if (d.Choices is { } choices && !choices.Contains(value.Category!, StringComparer.Ordinal))
            {
                problems.Add(new DeclarationProblem(
                    DeclarationProblemKind.ValueOutside, d.Name, value.Category,
                    $"'{d.Name}' of trainable '{Trainable}' takes one of {string.Join(", ", choices)}{NameSuggestions.DidYouMean(value.Category!, choices)}"));
            }

            return;
        }

        var whole = value.Number == Math.Round(value.Number);
        if (TypeProblem(d, whole ? HyperparameterType.Integral : HyperparameterType.Continuous) is { } typeProblem)
        {
            problems.Add(typeProblem with { Value = Format(value.Number) });
        }
        else if (!d.Range.Contains(value.Number))
        {
            problems.Add(new DeclarationProblem(
                DeclarationProblemKind.ValueOutside, d.Name, Format(value.Number), $"trainable '{Trainable}' takes '{d.Name}' in {d.Range}"));
        }
    }

    private void Missing(IEnumerable<string> given, List<DeclarationProblem> problems)
    {
        var set = given.ToHashSet(StringComparer.Ordinal);
        var missing = Hyperparameters.Where(h => h.Required && !set.Contains(h.Name)).Select(h => h.Name).ToArray();
        if (missing.Length > 0)
        {
            problems.Add(new DeclarationProblem(
                DeclarationProblemKind.MissingHyperparameter, string.Join(", ", missing), null,
                $"trainable '{Trainable}' needs hyperparameter{(missing.Length == 1 ? "" : "s")} {NameSuggestions.List(missing)} (searched or constant)"));
        }
    }

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
