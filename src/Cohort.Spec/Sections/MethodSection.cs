using Cohort.Core.Hyperparameters;
using Cohort.Core.Scheduling;

namespace Cohort.Spec.Sections;

/// <summary>
/// The base of a method section with settings of type <typeparamref name="TSettings"/>: implement the name, the keys,
/// reading, writing and Core's options; the scheduler comes from <see cref="SchedulerFactory"/> unless overridden.
/// Register an instance in a <see cref="SpecCatalog"/> (built-in methods: <see cref="Methods.BuiltInMethods"/>).
/// </summary>
public abstract class MethodSection<TSettings> : IMethodSection
    where TSettings : class, IMethodSettings
{
    /// <inheritdoc/>
    public abstract string Name { get; }

    /// <inheritdoc/>
    public abstract IReadOnlyList<string> Keys { get; }

    /// <inheritdoc/>
    public MethodReading? Read(MethodReadContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return ReadSettings(context) is var (settings, population) && settings is not null && population is not null
            ? new MethodReading(settings, population.Value)
            : null;
    }

    /// <inheritdoc/>
    public void Write(IMethodSettings settings, SpecWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        Write(Cast(settings), writer);
    }

    /// <inheritdoc/>
    public MethodOptions CreateOptions(ExperimentSpec spec, RunSpec run)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(run);
        return CreateOptions(spec, run, Cast(run.Settings)) with
        {
            ReadyInterval = spec.Ready.Every,
            MaxTaskRetries = run.Retries,
            Stop = run.Stop.ToConditions(),
        };
    }

    /// <inheritdoc/>
    public IPopulationScheduler CreateScheduler(ExperimentSpec spec, RunSpec run)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(run);
        return CreateScheduler(spec, run, Cast(run.Settings));
    }

    /// <summary>Reads the method's keys from <see cref="MethodReadContext.Run"/>; a null part means errors were reported.</summary>
    protected abstract (TSettings? Settings, long? Population) ReadSettings(MethodReadContext context);

    /// <summary>Writes every key of <paramref name="settings"/> (defaults included), so that reading them back gives equal settings.</summary>
    protected abstract void Write(TSettings settings, SpecWriter writer);

    /// <summary>Core's options for the run; the ready interval, the retries and the stop conditions, common to every method, are set on them afterwards.</summary>
    protected abstract MethodOptions CreateOptions(ExperimentSpec spec, RunSpec run, TSettings settings);

    /// <summary>How a perturbed value comes back inside its bounds (default: clamped).</summary>
    protected virtual BoundaryPolicy Boundary(TSettings settings) => BoundaryPolicy.Clamp;

    /// <summary>The scheduler: by default <see cref="SchedulerFactory.Create"/> on <see cref="CreateOptions(ExperimentSpec, RunSpec, TSettings)"/>.</summary>
    protected virtual IPopulationScheduler CreateScheduler(ExperimentSpec spec, RunSpec run, TSettings settings)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(run);
        var space = SpecMapping.Space(spec, Boundary(settings));
        return SchedulerFactory.Create(
            CreateOptions(spec, run), space, spec.Objective, spec.Steps, run.Population, SpecMapping.RunSeed(spec, run), SpecMapping.Points(run, space));
    }

    private TSettings Cast(IMethodSettings settings) =>
        settings as TSettings ?? throw new ArgumentException(
            $"Method '{Name}' takes settings of type {typeof(TSettings).Name}, not {settings?.GetType().Name ?? "null"}.", nameof(settings));
}
