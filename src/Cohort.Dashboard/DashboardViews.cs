using Cohort.Core.Lineage;

namespace Cohort.Dashboard;

/// <summary>An experiment as the page lists it.</summary>
/// <param name="Name">The experiment's key in the source: its directory's name (SQLite) or its name (PostgreSQL).</param>
/// <param name="Title">The experiment's name from its spec (user text: the page never renders it as markup).</param>
/// <param name="Metric">The objective's metric.</param>
/// <param name="Mode"><c>minimize</c> or <c>maximize</c>.</param>
/// <param name="Steps">Steps per member, from the spec.</param>
/// <param name="Hyperparameters">The searched hyperparameters' names; <paramref name="LogScale"/> those on a log scale.</param>
/// <param name="LogScale">Hyperparameters searched on a log scale.</param>
/// <param name="Runs">The runs: stored ones, then those the spec names that have not started.</param>
internal sealed record ExperimentView(
    string Name, string Title, string Metric, string Mode, long Steps, IReadOnlyList<string> Hyperparameters, IReadOnlyList<string> LogScale, IReadOnlyList<RunView> Runs);

/// <summary>A run's progress.</summary>
/// <param name="Name">The run's name.</param>
/// <param name="Method">Its search method.</param>
/// <param name="Status"><c>pending</c> (not started), <c>running</c>, <c>completed</c>, …</param>
/// <param name="Message">Why it stopped, when it did not complete.</param>
/// <param name="Population">Members, from the spec.</param>
/// <param name="StepsDone">Steps trained: each member's furthest evaluated step, summed.</param>
/// <param name="StepsTotal">Population × steps per member.</param>
/// <param name="EtaSeconds">Time left at the rate observed since the dashboard started following; null when unknown or done.</param>
/// <param name="Best">The best objective value evaluated so far; null before the first.</param>
/// <param name="BestMember">The member that evaluated it.</param>
/// <param name="Evaluations">Results stored.</param>
/// <param name="WallSeconds">Wall time, once finished.</param>
internal sealed record RunView(
    string Name, string Method, string Status, string? Message, int Population, long StepsDone, long StepsTotal, double? EtaSeconds,
    double? Best, int? BestMember, int Evaluations, double WallSeconds);

/// <summary>One stored evaluation: a task result, as the page draws it.</summary>
/// <param name="Id">The result's store id (the stream's cursor).</param>
/// <param name="Run">Its run.</param>
/// <param name="Member">The member.</param>
/// <param name="Start">The task's first step.</param>
/// <param name="Step">The step evaluated (the task's end).</param>
/// <param name="Value">The objective's value; null when missing or not finite.</param>
/// <param name="Outcome"><c>completed</c>, <c>diverged</c> or <c>failed</c>.</param>
/// <param name="Hyperparameters">What the task trained with: numbers, or strings for categories.</param>
internal sealed record EvaluationView(
    long Id, string Run, int Member, long Start, long Step, double? Value, string Outcome, IReadOnlyDictionary<string, object> Hyperparameters);

/// <summary>A run's evaluations so far, and the cursor to follow it from.</summary>
/// <param name="Experiment">The experiment.</param>
/// <param name="Run">The run.</param>
/// <param name="Evaluations">Every evaluation stored so far, in id order.</param>
internal sealed record RunDataView(string Experiment, string Run, IReadOnlyList<EvaluationView> Evaluations);

/// <summary>Where a member's weights came from (a projection by <see cref="RunLineage"/>).</summary>
/// <param name="Member">The member.</param>
/// <param name="Ancestry">Which members trained its final weights over which steps, oldest first.</param>
/// <param name="Exploits">Each exploit it took: step, donor, the checkpoint's hash and step, hyperparameters before and after.</param>
/// <param name="Explores">Each explore: step, operator, hyperparameters before and after.</param>
/// <param name="Schedule">The hyperparameter schedule that produced its final weights.</param>
/// <param name="Finished">Why it stopped; null while it trains.</param>
internal sealed record LineageView(
    int Member, IReadOnlyList<AncestrySegment> Ancestry, IReadOnlyList<ExploitView> Exploits, IReadOnlyList<ExploreView> Explores,
    IReadOnlyList<ScheduleView> Schedule, string? Finished);

/// <summary>An exploit in a member's lineage.</summary>
/// <param name="Step">When.</param>
/// <param name="Donor">Whose weights it took.</param>
/// <param name="Hash">The weights' hash (the checkpoint's identity).</param>
/// <param name="CheckpointStep">The step the checkpoint was written at.</param>
/// <param name="Before">Its hyperparameters before.</param>
/// <param name="After">Its hyperparameters after.</param>
internal sealed record ExploitView(long Step, int Donor, string Hash, long CheckpointStep, IReadOnlyDictionary<string, object> Before, IReadOnlyDictionary<string, object> After);

/// <summary>An explore in a member's lineage.</summary>
/// <param name="Step">When.</param>
/// <param name="Operator">How (perturb factors, resample, …).</param>
/// <param name="Before">Hyperparameters before.</param>
/// <param name="After">Hyperparameters after.</param>
internal sealed record ExploreView(long Step, string Operator, IReadOnlyDictionary<string, object> Before, IReadOnlyDictionary<string, object> After);

/// <summary>From <paramref name="Step"/> on, the final weights were trained with <paramref name="Hyperparameters"/>.</summary>
/// <param name="Step">First step of the segment.</param>
/// <param name="Hyperparameters">The hyperparameters.</param>
internal sealed record ScheduleView(long Step, IReadOnlyDictionary<string, object> Hyperparameters);
