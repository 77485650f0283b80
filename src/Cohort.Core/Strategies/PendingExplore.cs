using Cohort.Core.Hyperparameters;

namespace Cohort.Core.Strategies;

/// <summary>Explore chose <paramref name="Hyperparameters"/> for <paramref name="Member"/>'s task starting at <paramref name="Step"/>; no result yet.</summary>
public sealed record PendingExplore(int Member, long Step, HyperparameterSet Hyperparameters);
