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
/// <param name="Checkpoints">The tasks that trained its final weights, oldest first: who trained which steps and the hash of each checkpoint written.</param>
/// <param name="Family">A GA member's family tree (paper 004's three parents per child); null for other methods.</param>
/// <param name="Value">The objective's value of its final weights; null before its first evaluation.</param>
internal sealed record LineageView(
    int Member, IReadOnlyList<AncestrySegment> Ancestry, IReadOnlyList<ExploitView> Exploits, IReadOnlyList<ExploreView> Explores,
    IReadOnlyList<ScheduleView> Schedule, string? Finished, IReadOnlyList<CheckpointView> Checkpoints, FamilyView? Family, double? Value);

/// <summary>A checkpoint on the way to a member's final weights: <paramref name="Member"/> trained steps <paramref name="Start"/> to <paramref name="Step"/> and wrote <paramref name="Hash"/>.</summary>
/// <param name="Member">Who trained.</param>
/// <param name="Start">The task's first step.</param>
/// <param name="Step">The step the checkpoint was written at.</param>
/// <param name="Hash">The weights' hash.</param>
internal sealed record CheckpointView(int Member, long Start, long Step, string Hash);

/// <summary>A GA member's family tree (<see cref="FamilyTree"/>): individuals and which parent gave what.</summary>
/// <param name="Nodes">Individuals: member slot, the step it was born at (0: a founder), generations back from the member.</param>
/// <param name="Edges">Child and parent as indexes into <paramref name="Nodes"/>, and the parent's role: <c>a</c>, <c>b</c> (hyperparameters) or <c>weights</c>.</param>
internal sealed record FamilyView(IReadOnlyList<FamilyNodeView> Nodes, IReadOnlyList<FamilyEdgeView> Edges);

/// <summary>An individual of a GA family tree.</summary>
/// <param name="Member">Its member slot.</param>
/// <param name="Step">The step it was born at; 0 for a founder.</param>
/// <param name="Founder">True when it was created with the run.</param>
/// <param name="Depth">Generations back from the member the tree is drawn for.</param>
internal sealed record FamilyNodeView(int Member, long Step, bool Founder, int Depth);

/// <summary>An edge of a GA family tree: <paramref name="Parent"/> gave <paramref name="Child"/> its <paramref name="Role"/>.</summary>
/// <param name="Child">Index of the child in the nodes.</param>
/// <param name="Parent">Index of the parent in the nodes.</param>
/// <param name="Role"><c>a</c> or <c>b</c> (the hyperparameter parents), <c>weights</c>.</param>
internal sealed record FamilyEdgeView(int Child, int Parent, string Role);

/// <summary>
/// A decision of a run's scheduler that moved weights or formed the population, as the stream sends it: the lineage graph,
/// FIRE's evaluators and the GA's breedings are drawn from these.
/// </summary>
/// <param name="Id">The event's store id.</param>
/// <param name="Run">Its run.</param>
/// <param name="Kind"><c>exploit</c>, <c>bred</c>, <c>sub-population</c>, <c>evaluator-started</c>, <c>evaluator-succeeded</c> or <c>evaluator-stopped</c>.</param>
/// <param name="Member">The member it is about (the receiver, the child, the evaluator, or the target of a success).</param>
/// <param name="Step">When.</param>
/// <param name="From">Whose weights <paramref name="Member"/> took: the donor, the GA weights parent, the FIRE parent (an evaluator starting) or evaluator (a success); null when none.</param>
/// <param name="Hash">The hash of the weights taken.</param>
/// <param name="ParentA">A GA child's first hyperparameter parent.</param>
/// <param name="ParentB">A GA child's second hyperparameter parent.</param>
/// <param name="Parent">The FIRE parent an evaluator evaluates.</param>
/// <param name="Target">The FIRE target member an evaluator works for.</param>
/// <param name="SubPopulation">FIRE: the member's sub-population (1 is the greedy one; 0 an evaluator).</param>
/// <param name="Detail">GA: the crossover and mutation operators; FIRE: why an evaluator stopped, or a success's statistics.</param>
internal sealed record DecisionView(
    long Id, string Run, string Kind, int Member, long Step, int? From, string? Hash, int? ParentA, int? ParentB, int? Parent, int? Target, int? SubPopulation, string? Detail);

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
