using Cohort.Cli.Spec;
using Cohort.Core.Hyperparameters;
using Cohort.Core.Scheduling;
using Cohort.Core.Strategies;

namespace Cohort.Cli.Experiments;

/// <summary>Maps a spec's fire run onto <see cref="FireOptions"/> (paper 001).</summary>
internal static class FireMapping
{
    public static FireOptions Options(ExperimentSpec spec, RunSpec run, FireSpec fire) => new()
    {
        ReadyInterval = spec.Ready.Every,
        BurnIn = spec.Ready.BurnIn,
        MaxTaskRetries = run.Retries,
        SubPopulations = fire.SubPopulations,
        SubPopulationSize = fire.SubPopulationSize,
        Evaluators = fire.Evaluators,
        EvalInterval = fire.EvalEvery,
        PStat = fire.PStat,
        MaxEvalSteps = fire.MaxEvalSteps,
        MinStepsBeforeEval = fire.MinStepsBeforeEval.ToArray(),
        Initialization = InitializationKind.Random,
        Exploit = fire.Exploit.Strategy switch
        {
            ExploitStrategyKind.Tournament => new BinaryTournament(),
            ExploitStrategyKind.BestIntoWorst => new CopyBestIntoWorst(fire.Exploit.Count ?? 1),
            _ => new TruncationSelection(fire.Exploit.Fraction ?? 0.25),
        },
        Explore = fire.Explore.Strategy switch
        {
            ExploreStrategyKind.LogNoise => new NoiseExplore(fire.Explore.Sigma ?? NoiseExplore.DefaultSigma, NoiseSpace.Log2, fire.Explore.ResampleProbability),
            ExploreStrategyKind.Noise => new NoiseExplore(fire.Explore.Sigma ?? NoiseExplore.DefaultSigma, NoiseSpace.Linear, fire.Explore.ResampleProbability),
            _ => new PerturbExplore(fire.Explore.Factors.Count > 0 ? fire.Explore.Factors.ToArray() : PerturbExplore.Paper001Factors, fire.Explore.ResampleProbability),
        },
    };
}
