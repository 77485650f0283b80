using Cohort.Core.Scheduling;

namespace Cohort.Spec.Sections;

/// <summary>
/// A search method: the keys of a run beyond the common ones (<c>name</c>, <c>method</c>, <c>population</c>,
/// <c>points</c>, <c>timeout_seconds</c>, <c>retries</c>, <c>stop</c>), how they are read, validated and written, and the scheduler
/// they build. Derive from <see cref="MethodSection{TSettings}"/> rather than implementing this directly.
/// </summary>
public interface IMethodSection : ISpecSection
{
    /// <summary>Reads the run's method keys; null when there were errors (already reported).</summary>
    MethodReading? Read(MethodReadContext context);

    /// <summary>Writes <paramref name="settings"/> as the run's method keys.</summary>
    void Write(IMethodSettings settings, SpecWriter writer);

    /// <summary>Core's options for the run (also what tests inspect).</summary>
    MethodOptions CreateOptions(ExperimentSpec spec, RunSpec run);

    /// <summary>The run's scheduler, fresh (nothing told yet).</summary>
    IPopulationScheduler CreateScheduler(ExperimentSpec spec, RunSpec run);
}

/// <summary>What a method section read: its settings and the run's resolved population.</summary>
/// <param name="Settings">The method's settings record.</param>
/// <param name="Population">Members (for a grid its size, for points their count, else as given or derived).</param>
public sealed record MethodReading(IMethodSettings Settings, long Population);
