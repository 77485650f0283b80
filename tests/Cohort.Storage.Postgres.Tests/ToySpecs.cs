using System.Globalization;
using Cohort.Cli.Experiments;
using Cohort.Core.Execution;
using Cohort.Core.Scheduling;
using Cohort.Spec;

namespace Cohort.Storage.Postgres.Tests;

/// <summary>Toy-trainable PBT specs (paper 000's toy: coordination dominates, training is instant).</summary>
internal static class ToySpecs
{
    public static string Yaml(string experiment, int population, int steps, int ready, string mode, ulong seed = 7, bool copyOptimizerState = true) =>
        string.Create(CultureInfo.InvariantCulture, $$"""
            version: 1
            experiment: {{experiment}}
            seed: {{seed}}
            objective: {metric: q, mode: maximize}
            trainable: {kind: toy}
            hyperparameters:
              h0: {type: float, min: 0, max: 1}
              h1: {type: float, min: 0, max: 1}
            constants: {lr: 0.01}
            steps: {{steps}}
            ready: {every: {{ready}}}
            runs:
              - name: pbt
                method: pbt
                mode: {{mode}}
                population: {{population}}
                init: random
                exploit: {strategy: truncation, fraction: 0.25}
                explore: {strategy: noise, sigma: 0.1}
                copy_optimizer_state: {{(copyOptimizerState ? "true" : "false")}}
            """);

    public static ExperimentSpec Spec(string experiment, int population, int steps, int ready, string mode, ulong seed = 7, bool copyOptimizerState = true) =>
        CohortCatalog.Instance.Parse(Yaml(experiment, population, steps, ready, mode, seed, copyOptimizerState), experiment + ".yaml");

    public static RunDefinition Run(ExperimentSpec spec) =>
        new(spec.Runs[0].Name, SpecMapping.RunSeed(spec, spec.Runs[0]), spec.Objective, CohortCatalog.Instance.ToJson(spec, spec.Runs[0]));

    public static IScheduler Scheduler(ExperimentSpec spec) => CohortCatalog.Instance.CreateScheduler(spec, spec.Runs[0]);
}
