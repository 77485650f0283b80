using Cohort.Core.Scheduling;

namespace Cohort.Core.Execution;

/// <summary>What an <see cref="ExperimentRunner"/> needs to know about a run besides its scheduler and trainables.</summary>
/// <param name="Name">The run's name, unique within the experiment (the store's key).</param>
/// <param name="Seed">
/// The experiment's root seed. Member <c>m</c> is created with <c>Seeds.Derive(Seed, m, Seeds.Purpose("init"))</c>, so
/// runs of one experiment that share the seed (PBT and grid search) start member <c>m</c> from the same weights.
/// </param>
/// <param name="Objective">The metric the scheduler optimises; used for scores, divergence and progress.</param>
/// <param name="SpecJson">The resolved run spec, stored with the run.</param>
public sealed record RunDefinition(string Name, ulong Seed, Objective Objective, string SpecJson = "{}");
