using Cohort.Core.Hyperparameters;
using Cohort.Core.Scheduling;
using Cohort.Core.Trainables;

namespace Cohort.Spec;

/// <summary>
/// A resolved experiment spec (docs/spec.md): what a spec file says, validated, with every default filled in. Pure data
/// with value equality; <see cref="SpecCatalog.ToJson(ExperimentSpec)"/> writes it back as JSON (stored with the run),
/// and that JSON parses back through <see cref="SpecCatalog.Parse"/> to an equal spec.
/// </summary>
/// <param name="Version">The format version; always 1.</param>
/// <param name="Experiment">The experiment name (<c>[a-z0-9][a-z0-9._-]*</c>).</param>
/// <param name="Seed">The root seed (default 0); the CLI's <c>--seed</c> overrides it with <c>spec with { Seed = n }</c>.</param>
/// <param name="Objective">The validation metric runs optimise and its direction.</param>
/// <param name="Trainable">What is trained: a kind and that kind's settings.</param>
/// <param name="Hyperparameters">The searched hyperparameters, in file order.</param>
/// <param name="Constants">Fixed hyperparameters, never explored.</param>
/// <param name="Steps">Training steps per member, the same for every method.</param>
/// <param name="Ready">When members are evaluated (and, for PBT, ready to exploit/explore).</param>
/// <param name="Runs">The search methods to run, in file order, names unique.</param>
public sealed record ExperimentSpec(
    int Version,
    string Experiment,
    ulong Seed,
    Objective Objective,
    TrainableSpec Trainable,
    SpecList<HyperparameterSpec> Hyperparameters,
    HyperparameterSet Constants,
    long Steps,
    ReadySpec Ready,
    SpecList<RunSpec> Runs)
{
    /// <summary>
    /// The plugin assemblies (absolute paths, in file order) whose sections the spec may use (<c>plugins:</c>); empty
    /// when there are none.
    /// </summary>
    public SpecList<string> Plugins { get; init; } = SpecList<string>.Empty;

    /// <summary>
    /// A value of the objective that counts as reached (<c>objective.target</c>; null when absent), for example
    /// CartPole-v1's solved threshold 475: the summary and the report give each run's time to it
    /// (<see cref="Cohort.Core.Scheduling.TargetTimes"/>). It changes no decision of any method.
    /// </summary>
    public double? Target { get; init; }
}

/// <summary>What is trained: the name of a registered trainable kind (<see cref="ITrainableSection"/>) and its settings.</summary>
/// <param name="Kind">The kind's name, e.g. <c>toy</c> or <c>network</c>.</param>
/// <param name="Settings">The kind's resolved settings, a record of the section's own type.</param>
public sealed record TrainableSpec(string Kind, ITrainableSettings Settings);

/// <summary>The settings of one trainable kind: an immutable record with value equality, read and written by its section.</summary>
public interface ITrainableSettings;

/// <summary>The settings of one search method: an immutable record with value equality, read and written by its section.</summary>
public interface IMethodSettings;

/// <summary>
/// A searched hyperparameter. Numeric ones have <see cref="Min"/>/<see cref="Max"/> (and integers integral bounds);
/// categorical ones have <see cref="Choices"/>. <see cref="Grid"/> holds the resolved grid values (a count in the file
/// is expanded: linearly or log spaced between the bounds, integers rounded and deduplicated; a categorical without a
/// grid uses all its choices); empty when a numeric hyperparameter has no grid. For a categorical one
/// <see cref="Scale"/> is <see cref="ParameterScale.Linear"/> and <see cref="Min"/>/<see cref="Max"/> are null. The prior
/// is uniform in the scale (<c>prior: uniform</c>, the only one).
/// </summary>
public sealed record HyperparameterSpec(
    string Name,
    HyperparameterType Type,
    ParameterScale Scale,
    double? Min,
    double? Max,
    SpecList<string> Choices,
    SpecList<HyperValue> Grid);

/// <summary>Members are evaluated every <see cref="Every"/> steps once <see cref="BurnIn"/> steps are done (paper 000 "ready").</summary>
public sealed record ReadySpec(int Every, int BurnIn);

/// <summary>One search method of the experiment.</summary>
/// <param name="Name">Unique within the experiment.</param>
/// <param name="Method">The name of a registered method (<see cref="IMethodSection"/>): grid, random, pbt, ga, fire, ….</param>
/// <param name="Population">Members: resolved by the method's section (a grid's size, the points' count, or as given).</param>
/// <param name="Points">Explicit initial points (every searched hyperparameter set), replacing the grid product / init; empty otherwise.</param>
/// <param name="TimeoutSeconds">Per-task timeout (synchronous PBT's generation barrier); 0 = none.</param>
/// <param name="Retries">How often a failed task is retried from its checkpoint before the member is excluded.</param>
/// <param name="Settings">The method's own settings, a record of its section's type.</param>
public sealed record RunSpec(
    string Name,
    string Method,
    int Population,
    SpecList<HyperparameterSet> Points,
    double TimeoutSeconds,
    int Retries,
    IMethodSettings Settings);
