using System.Globalization;
using Cohort.Core.Hyperparameters;
using Cohort.Core.Scheduling;
using Cohort.Spec.Sections;

namespace Cohort.Spec.Methods;

/// <summary>Population based training options (paper 000 sec. 3, paper 002 Algorithm 1).</summary>
/// <param name="Mode">Synchronous (generation barrier) or asynchronous.</param>
/// <param name="Init">How the population starts: the progressively sub-sampled grid, the whole grid, the priors, or the run's points.</param>
/// <param name="Exploit">The exploit strategy (default truncation 20%).</param>
/// <param name="Explore">The explore strategy (default perturb by {0.8, 1.2}).</param>
/// <param name="Boundary">How a perturbed value comes back inside its bounds.</param>
/// <param name="Ablation">PBT with one half switched off (paper 000 Figure 2).</param>
/// <param name="CopyHyperparameters">Whether an exploit copies the donor's hyperparameters with its weights.</param>
/// <param name="CopyOptimizerState">Whether an exploit copies the donor's optimizer state with its weights (false: Keras set_weights).</param>
public sealed record PbtSettings(
    PbtMode Mode,
    InitializationKind Init,
    ExploitSettings Exploit,
    ExploreSettings Explore,
    BoundaryPolicy Boundary,
    PbtAblation Ablation,
    bool CopyHyperparameters = true,
    bool CopyOptimizerState = true) : IMethodSettings;

/// <summary><c>method: pbt</c>: population based training.</summary>
public sealed class PbtSection : MethodSection<PbtSettings>
{
    private static readonly (string, PbtMode)[] s_modes = [("synchronous", PbtMode.Synchronous), ("asynchronous", PbtMode.Asynchronous)];
    private static readonly (string, BoundaryPolicy)[] s_boundaries = [("clamp", BoundaryPolicy.Clamp), ("reflect", BoundaryPolicy.Reflect)];
    private static readonly (string, PbtAblation)[] s_ablations = [("none", PbtAblation.None), ("explore-only", PbtAblation.ExploreOnly), ("exploit-only", PbtAblation.ExploitOnly)];

    /// <inheritdoc/>
    public override string Name => "pbt";

    /// <inheritdoc/>
    public override IReadOnlyList<string> Keys { get; } = ["mode", "init", "exploit", "explore", "boundary", "ablation", "copy_hyperparameters", "copy_optimizer_state"];

    /// <inheritdoc/>
    protected override (PbtSettings? Settings, long? Population) ReadSettings(MethodReadContext context)
    {
        var run = context.Run;
        var mode = run.Choice("mode", PbtMode.Synchronous, s_modes);
        var boundary = run.Choice("boundary", BoundaryPolicy.Clamp, s_boundaries);
        var ablation = run.Choice("ablation", PbtAblation.None, s_ablations);
        var (init, population) = PopulationInit.Read(context);
        context.RequireReadyBeforeEnd("exploits");
        var exploit = run.Get("exploit") is { } ex ? StrategyKeys.ReadExploit(ex, population) : new TruncationExploit(0.2);
        var explore = run.Get("explore") is { } xp ? StrategyKeys.ReadExplore(xp) : new PerturbSettings(StrategyKeys.DefaultFactors, 0);
        var copy = run.Bool("copy_hyperparameters", true);
        var copyOptimizer = run.Bool("copy_optimizer_state", true);
        if (mode is null || init is null || boundary is null || ablation is null || exploit is null || explore is null || population is null
            || copy is null || copyOptimizer is null)
        {
            return (null, null);
        }

        if (copyOptimizer == false && mode == PbtMode.Asynchronous)
        {
            run.Error("copy_optimizer_state", "copy_optimizer_state: false needs mode synchronous (receiver and donor at the same step)", "false");
            return (null, null);
        }

        return (new PbtSettings(mode.Value, init.Value, exploit, explore, boundary.Value, ablation.Value, copy.Value, copyOptimizer.Value), population);
    }

    /// <inheritdoc/>
    protected override void Write(PbtSettings settings, SpecWriter writer)
    {
        writer.Write("mode", settings.Mode == PbtMode.Asynchronous ? "asynchronous" : "synchronous");
        writer.Write("init", PopulationInit.Name(settings.Init));
        StrategyKeys.Write(writer, settings.Exploit, settings.Explore);
        writer.Write("boundary", settings.Boundary == BoundaryPolicy.Reflect ? "reflect" : "clamp");
        writer.Write("ablation", s_ablations.First(a => a.Item2 == settings.Ablation).Item1);
        writer.Write("copy_hyperparameters", settings.CopyHyperparameters);
        writer.Write("copy_optimizer_state", settings.CopyOptimizerState);
    }

    /// <inheritdoc/>
    protected override MethodOptions CreateOptions(ExperimentSpec spec, RunSpec run, PbtSettings settings) => new PbtOptions
    {
        BurnIn = spec.Ready.BurnIn,
        Mode = settings.Mode,
        Initialization = run.Points.Count > 0 ? InitializationKind.Explicit : settings.Init,
        Exploit = settings.Exploit.Create(),
        Explore = settings.Explore.Create(),
        Ablation = settings.Ablation,
        CopyHyperparameters = settings.CopyHyperparameters,
        CopyOptimizerState = settings.CopyOptimizerState,
    };

    /// <inheritdoc/>
    protected override BoundaryPolicy Boundary(PbtSettings settings) => settings.Boundary;
}
