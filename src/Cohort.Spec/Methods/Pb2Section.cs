using System.Globalization;
using Cohort.Core.Hyperparameters;
using Cohort.Core.Pb2;
using Cohort.Core.Scheduling;
using Cohort.Spec.Sections;

namespace Cohort.Spec.Methods;

/// <summary>Population-based bandits options (Parker-Holder, Nguyen and Roberts 2020; docs/pb2.md).</summary>
/// <param name="Mode">Synchronous (generation barrier) or asynchronous, as for pbt.</param>
/// <param name="Init">How the population starts, as for pbt.</param>
/// <param name="Exploit">The exploit strategy, as for pbt (default truncation 25%, the authors' code).</param>
/// <param name="Explore">The GP bandit's settings (window, acquisition, categorical bandit).</param>
/// <param name="CopyOptimizerState">Whether an exploit copies the donor's optimizer state with its weights.</param>
public sealed record Pb2Settings(
    PbtMode Mode,
    InitializationKind Init,
    ExploitSettings Exploit,
    Pb2ExploreOptions Explore,
    bool CopyOptimizerState = true) : IMethodSettings;

/// <summary><c>method: pb2</c>: PBT's exploit with the explore step chosen by a time-varying Gaussian-process bandit.</summary>
public sealed class Pb2Section : MethodSection<Pb2Settings>
{
    private static readonly (string, PbtMode)[] s_modes = [("synchronous", PbtMode.Synchronous), ("asynchronous", PbtMode.Asynchronous)];

    private static readonly string[] s_exploreKeys =
    [
        "window", "fit_window", "beta_scale", "beta_growth", "candidates", "local_searches", "local_evaluations", "fit_evaluations",
        "refit_every", "target_clip", "category_exploration", "category_forgetting",
    ];

    /// <inheritdoc/>
    public override string Name => "pb2";

    /// <inheritdoc/>
    public override IReadOnlyList<string> Keys { get; } = ["mode", "init", "exploit", "explore", "copy_optimizer_state"];

    /// <inheritdoc/>
    protected override (Pb2Settings? Settings, long? Population) ReadSettings(MethodReadContext context)
    {
        var run = context.Run;
        var mode = run.Choice("mode", PbtMode.Synchronous, s_modes);
        var (init, population) = PopulationInit.Read(context);
        context.RequireReadyBeforeEnd("exploits");
        var exploit = run.Get("exploit") is { } ex ? StrategyKeys.ReadExploit(ex, population) : new TruncationExploit(0.25);
        var explore = run.Get("explore") is { } xp ? ReadExplore(xp) : new Pb2ExploreOptions();
        var copyOptimizer = run.Bool("copy_optimizer_state", true);
        if (mode is null || init is null || exploit is null || explore is null || population is null || copyOptimizer is null)
        {
            return (null, null);
        }

        if (copyOptimizer == false && mode == PbtMode.Asynchronous)
        {
            run.Error("copy_optimizer_state", "copy_optimizer_state: false needs mode synchronous (receiver and donor at the same step)", "false");
            return (null, null);
        }

        return (new Pb2Settings(mode.Value, init.Value, exploit, explore, copyOptimizer.Value), population);
    }

    /// <inheritdoc/>
    protected override void Write(Pb2Settings settings, SpecWriter writer)
    {
        writer.Write("mode", settings.Mode == PbtMode.Asynchronous ? "asynchronous" : "synchronous");
        writer.Write("init", PopulationInit.Name(settings.Init));
        StrategyKeys.WriteExploit(writer, settings.Exploit);
        var e = settings.Explore;
        writer.Nested("explore", x =>
        {
            x.Write("window", e.Window);
            x.Write("fit_window", e.FitWindow);
            x.Write("beta_scale", e.BetaScale);
            x.Write("beta_growth", e.BetaGrowth);
            x.Write("candidates", e.Candidates);
            x.Write("local_searches", e.LocalSearches);
            x.Write("local_evaluations", e.LocalEvaluations);
            x.Write("fit_evaluations", e.FitEvaluations);
            x.Write("refit_every", e.RefitEvery);
            x.Write("target_clip", e.TargetClip);
            x.Write("category_exploration", e.CategoryExploration);
            x.Write("category_forgetting", e.CategoryForgetting);
        });
        writer.Write("copy_optimizer_state", settings.CopyOptimizerState);
    }

    /// <inheritdoc/>
    protected override MethodOptions CreateOptions(ExperimentSpec spec, RunSpec run, Pb2Settings settings) => new Pb2Options
    {
        BurnIn = spec.Ready.BurnIn,
        Mode = settings.Mode,
        Initialization = run.Points.Count > 0 ? InitializationKind.Explicit : settings.Init,
        Exploit = settings.Exploit.Create(),
        Explore = settings.Explore,
        CopyOptimizerState = settings.CopyOptimizerState,
    };

    /// <summary>The <c>explore</c> mapping: each key bounded as <see cref="Pb2ExploreOptions.Validate"/> requires.</summary>
    private static Pb2ExploreOptions? ReadExplore(SpecNode node)
    {
        var map = node.AsMap(s_exploreKeys);
        if (map is null)
        {
            return null;
        }

        var d = new Pb2ExploreOptions();
        var window = map.Whole("window", d.Window, x => x is >= 1 and <= 100_000, "an integer in [1, 100000]");
        var fitWindow = map.Whole("fit_window", d.FitWindow, x => x is >= 3 and <= 100_000, "an integer in [3, 100000]");
        var betaScale = map.Number("beta_scale", d.BetaScale, x => x >= 0, "a number >= 0");
        var betaGrowth = map.Number("beta_growth", d.BetaGrowth, x => x > 0, "a number > 0");
        var candidates = map.Whole("candidates", d.Candidates, x => x is >= 1 and <= 100_000, "an integer in [1, 100000]");
        var localSearches = map.Whole("local_searches", d.LocalSearches, x => x is >= 0 and <= 100_001, "an integer in [0, candidates + 1]");
        var localEvaluations = map.Whole("local_evaluations", d.LocalEvaluations, x => x is >= 1 and <= 1_000_000, "an integer in [1, 1000000]");
        var fitEvaluations = map.Whole("fit_evaluations", d.FitEvaluations, x => x is >= 1 and <= 1_000_000, "an integer in [1, 1000000]");
        var refitEvery = map.Whole("refit_every", d.RefitEvery, x => x is >= 1 and <= 1_000_000_000, "an integer >= 1");
        var targetClip = map.Number("target_clip", d.TargetClip, x => x > 0, "a number > 0");
        var exploration = map.Number("category_exploration", d.CategoryExploration, x => x is > 0 and <= 1, "a number in (0, 1]");
        var forgetting = map.Number("category_forgetting", d.CategoryForgetting, x => x is >= 0 and <= 1, "a number in [0, 1]");
        if (window is null || fitWindow is null || betaScale is null || betaGrowth is null || candidates is null || localSearches is null
            || localEvaluations is null || fitEvaluations is null || refitEvery is null || targetClip is null || exploration is null || forgetting is null)
        {
            return null;
        }

        if (localSearches > candidates + 1)
        {
            map.Error("local_searches", string.Create(CultureInfo.InvariantCulture, $"expected an integer in [0, candidates + 1 = {candidates + 1}]"), localSearches.Value.ToString(CultureInfo.InvariantCulture));
            return null;
        }

        return new Pb2ExploreOptions
        {
            Window = (int)window.Value,
            FitWindow = (int)fitWindow.Value,
            BetaScale = betaScale.Value,
            BetaGrowth = betaGrowth.Value,
            Candidates = (int)candidates.Value,
            LocalSearches = (int)localSearches.Value,
            LocalEvaluations = (int)localEvaluations.Value,
            FitEvaluations = (int)fitEvaluations.Value,
            RefitEvery = (int)refitEvery.Value,
            TargetClip = targetClip.Value,
            CategoryExploration = exploration.Value,
            CategoryForgetting = forgetting.Value,
        };
    }
}
