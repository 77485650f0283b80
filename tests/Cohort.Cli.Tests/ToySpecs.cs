using System.Globalization;

namespace Cohort.Cli.Tests;

/// <summary>The PBT paper's toy (Figure 2) as the CLI tests run it: two members from the corners, noise explore.</summary>
internal static class ToySpecs
{
    /// <summary>One PBT run of the toy (synchronous unless <paramref name="mode"/> says otherwise), ready every 4 steps.</summary>
    public static string CornersPbt(string experiment, long steps, string mode = "synchronous") =>
        string.Create(CultureInfo.InvariantCulture, $$"""
            version: 1
            experiment: {{experiment}}
            objective: {metric: q, mode: maximize}
            trainable: {kind: toy}
            hyperparameters:
              h0: {type: float, min: 0, max: 1}
              h1: {type: float, min: 0, max: 1}
            constants: {lr: 0.01}
            steps: {{steps}}
            ready: {every: 4}
            runs:
              - name: pbt
                method: pbt
                mode: {{mode}}
                points: [{h0: 1, h1: 0}, {h0: 0, h1: 1}]
                exploit: {strategy: truncation, fraction: 0.5}
                explore: {strategy: noise, sigma: 0.1}
                copy_hyperparameters: false
            """);
}
