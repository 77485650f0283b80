using System.Text;
using System.Text.Json;
using Cohort.Core.Hyperparameters;

namespace Cohort.Cli.Spec;

/// <summary>
/// Writes a resolved spec as JSON, every default filled in, with the spec file's own key names (docs/spec.md), so that
/// the stored spec documents the run completely and <see cref="SpecLoader.Parse(string, string)"/> reads it back to an
/// equal <see cref="ExperimentSpec"/> (JSON is YAML). Numbers are culture-invariant and round-trip exactly.
/// </summary>
public static class SpecJson
{
    private static readonly JsonWriterOptions s_options = new() { Indented = true };

    /// <summary>The whole experiment (stored as experiment metadata).</summary>
    public static string Serialize(ExperimentSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return Write(w =>
        {
            w.WriteStartObject();
            w.WriteNumber("version", spec.Version);
            w.WriteString("experiment", spec.Experiment);
            w.WriteNumber("seed", spec.Seed);
            w.WriteStartObject("objective");
            w.WriteString("metric", spec.Objective.Metric);
            w.WriteString("mode", spec.Objective.Mode == ObjectiveDirection.Maximize ? "maximize" : "minimize");
            w.WriteEndObject();
            WriteTrainable(w, spec.Trainable);
            w.WriteStartObject("hyperparameters");
            foreach (var h in spec.Hyperparameters)
            {
                WriteHyperparameter(w, h);
            }

            w.WriteEndObject();
            w.WritePropertyName("constants");
            WriteSet(w, spec.Constants);
            w.WriteNumber("steps", spec.Steps);
            w.WriteStartObject("ready");
            w.WriteNumber("every", spec.Ready.Every);
            w.WriteNumber("burn_in", spec.Ready.BurnIn);
            w.WriteEndObject();
            w.WriteStartArray("runs");
            foreach (var run in spec.Runs)
            {
                WriteRun(w, run);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    /// <summary>One run (stored as <c>RunRecord.SpecJson</c>).</summary>
    public static string Serialize(RunSpec run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return Write(w => WriteRun(w, run));
    }

    private static void WriteTrainable(Utf8JsonWriter w, TrainableSpec trainable)
    {
        w.WriteStartObject("trainable");
        w.WriteString("kind", trainable.Kind switch { TrainableKind.Toy => "toy", TrainableKind.Synthetic => "synthetic", TrainableKind.NoisyQuadratic => "noisy_quadratic", _ => "network" });
        if (trainable.NoisyQuadratic is { } quadratic)
        {
            w.WriteNumber("dimensions", quadratic.Dimensions);
            w.WriteNumber("curvature_power", quadratic.CurvaturePower);
            w.WriteNumber("batch_size", quadratic.BatchSize);
            w.WriteString("noise", quadratic.Expected ? "expected" : "sampled");
        }

        if (trainable.Synthetic is { } synthetic)
        {
            w.WriteNumber("dimensions", synthetic.Dimensions);
            w.WriteNumber("noise", synthetic.Noise);
        }

        if (trainable.Network is { } n)
        {
            w.WriteString("dataset", n.Dataset);
            w.WriteStartObject("model");
            w.WriteString("kind", n.Model.Kind switch { ModelKind.Lenet5 => "lenet5", ModelKind.Fc => "fc", ModelKind.Convnet => "convnet", _ => "mlp" });
            if (n.Model.Kind is not ModelKind.Lenet5 and not ModelKind.Convnet)
            {
                w.WriteStartArray("hidden");
                foreach (var width in n.Model.Hidden)
                {
                    w.WriteNumberValue(width);
                }

                w.WriteEndArray();
            }

            w.WriteString("activation", n.Model.Activation.ToString().ToLowerInvariant());
            w.WriteBoolean("dropout", n.Model.Dropout);
            w.WriteEndObject();
            w.WriteString("optimizer", n.Optimizer.ToString().ToLowerInvariant());
            w.WriteNumber("batch_size", n.BatchSize);
            w.WriteNumber("validation_fraction", n.ValidationFraction);
            w.WriteNumber("test_fraction", n.TestFraction);
            w.WriteNumber("eval_samples", n.EvalSamples);
            w.WriteBoolean("standardize_targets", n.StandardizeTargets);
            w.WriteString("split", n.Split == DataSplitKind.Keras ? "keras" : "seeded");
            if (n.Split == DataSplitKind.Keras)
            {
                w.WriteNumber("split_seed", n.SplitSeed);
            }

            w.WriteBoolean("standardize_features", n.StandardizeFeatures);
            w.WriteString("batch_order", n.BatchOrder == BatchOrderKind.Sequential ? "sequential" : "shuffled");
            w.WriteBoolean("loss_includes_penalty", n.LossIncludesPenalty);
        }

        w.WriteEndObject();
    }

    private static void WriteHyperparameter(Utf8JsonWriter w, HyperparameterSpec h)
    {
        w.WriteStartObject(h.Name);
        w.WriteString("type", h.Kind switch { HyperparameterKind.Integral => "int", HyperparameterKind.Categorical => "categorical", _ => "float" });
        if (h.Kind == HyperparameterKind.Categorical)
        {
            w.WriteStartArray("choices");
            foreach (var choice in h.Choices)
            {
                w.WriteStringValue(choice);
            }

            w.WriteEndArray();
        }
        else
        {
            w.WriteString("scale", h.Scale == HyperparameterScale.Log ? "log" : "linear");
            w.WriteNumber("min", h.Min!.Value);
            w.WriteNumber("max", h.Max!.Value);
        }

        w.WriteString("prior", "uniform");
        if (h.Grid.Count > 0)
        {
            w.WriteStartArray("grid");
            foreach (var value in h.Grid)
            {
                WriteValue(w, value);
            }

            w.WriteEndArray();
        }

        w.WriteEndObject();
    }

    private static void WriteRun(Utf8JsonWriter w, RunSpec run)
    {
        w.WriteStartObject();
        w.WriteString("name", run.Name);
        w.WriteString("method", run.Method.ToString().ToLowerInvariant());
        w.WriteNumber("population", run.Population);
        if (run.Points.Count > 0)
        {
            w.WriteStartArray("points");
            foreach (var point in run.Points)
            {
                WriteSet(w, point);
            }

            w.WriteEndArray();
        }

        if (run.Pbt is { } pbt)
        {
            w.WriteString("mode", pbt.Mode == PbtMode.Asynchronous ? "asynchronous" : "synchronous");
            w.WriteString("init", pbt.Init switch { PbtInit.Grid => "grid", PbtInit.Random => "random", PbtInit.Points => "points", _ => "grid-subsample" });
            w.WriteStartObject("exploit");
            w.WriteString("strategy", pbt.Exploit.Strategy switch { ExploitStrategyKind.Tournament => "tournament", ExploitStrategyKind.BestIntoWorst => "best-into-worst", _ => "truncation" });
            if (pbt.Exploit.Fraction is { } fraction)
            {
                w.WriteNumber("fraction", fraction);
            }

            if (pbt.Exploit.Count is { } count)
            {
                w.WriteNumber("count", count);
            }

            if (pbt.Exploit.Strategy == ExploitStrategyKind.Truncation)
            {
                w.WriteString("rule", pbt.Exploit.Rule == TruncationRuleKind.Percentile ? "percentile" : "count");
            }

            w.WriteEndObject();
            w.WriteStartObject("explore");
            w.WriteString("strategy", pbt.Explore.Strategy switch { ExploreStrategyKind.LogNoise => "log-noise", ExploreStrategyKind.Noise => "noise", _ => "perturb" });
            if (pbt.Explore.Strategy == ExploreStrategyKind.Perturb)
            {
                w.WriteStartArray("factors");
                foreach (var factor in pbt.Explore.Factors)
                {
                    w.WriteNumberValue(factor);
                }

                w.WriteEndArray();
            }

            if (pbt.Explore.Sigma is { } sigma)
            {
                w.WriteNumber("sigma", sigma);
            }

            if (pbt.Explore.Base is { } logBase)
            {
                w.WriteNumber("base", logBase);
            }

            w.WriteNumber("resample_probability", pbt.Explore.ResampleProbability);
            w.WriteEndObject();
            w.WriteString("boundary", pbt.Boundary == BoundaryMode.Reflect ? "reflect" : "clamp");
            w.WriteString("ablation", pbt.Ablation switch { PbtAblation.ExploreOnly => "explore-only", PbtAblation.ExploitOnly => "exploit-only", _ => "none" });
            w.WriteBoolean("copy_hyperparameters", pbt.CopyHyperparameters);
            w.WriteBoolean("copy_optimizer_state", pbt.CopyOptimizerState);
        }

        if (run.Ga is { } ga)
        {
            w.WriteNumber("crossover_rate", ga.CrossoverRate);
            w.WriteNumber("mutation_rate", ga.MutationRate);
            w.WriteString("weights_parent", ga.WeightsParent == GaWeightsParent.Best ? "best" : "fitness");
            if (ga.Mode == Cohort.Core.Scheduling.GaMode.Topology)
            {
                w.WriteString("mode", "topology");
                w.WriteNumber("generations", ga.Generations);
                if (ga.Target is { } target)
                {
                    w.WriteNumber("target", target);
                }

                w.WriteString("time", ga.Time.ToString().ToLowerInvariant());
            }

            if (ga.Demes != 1)
            {
                w.WriteNumber("demes", ga.Demes);
                w.WriteString("deme_layout", ga.DemeLayout.ToString().ToLowerInvariant());
                w.WriteNumber("migration_rate", ga.MigrationRate);
            }
        }

        if (run.Fire is { } fire)
        {
            WriteFire(w, fire);
        }

        w.WriteNumber("timeout_seconds", run.TimeoutSeconds);
        w.WriteNumber("retries", run.Retries);
        w.WriteEndObject();
    }

    private static void WriteFire(Utf8JsonWriter w, FireSpec fire)
    {
        w.WriteNumber("sub_populations", fire.SubPopulations);
        w.WriteNumber("sub_population_size", fire.SubPopulationSize);
        w.WriteNumber("evaluators", fire.Evaluators);
        w.WriteNumber("eval_every", fire.EvalEvery);
        w.WriteNumber("p_stat", fire.PStat);
        w.WriteNumber("max_eval_steps", fire.MaxEvalSteps);
        w.WriteStartArray("min_steps_before_eval");
        foreach (var steps in fire.MinStepsBeforeEval)
        {
            w.WriteNumberValue(steps);
        }

        w.WriteEndArray();
        w.WriteStartObject("exploit");
        w.WriteString("strategy", fire.Exploit.Strategy switch { ExploitStrategyKind.Tournament => "tournament", ExploitStrategyKind.BestIntoWorst => "best-into-worst", _ => "truncation" });
        if (fire.Exploit.Fraction is { } fraction)
        {
            w.WriteNumber("fraction", fraction);
        }

        if (fire.Exploit.Count is { } count)
        {
            w.WriteNumber("count", count);
        }

        w.WriteEndObject();
        w.WriteStartObject("explore");
        w.WriteString("strategy", fire.Explore.Strategy switch { ExploreStrategyKind.LogNoise => "log-noise", ExploreStrategyKind.Noise => "noise", _ => "perturb" });
        if (fire.Explore.Strategy == ExploreStrategyKind.Perturb)
        {
            w.WriteStartArray("factors");
            foreach (var factor in fire.Explore.Factors)
            {
                w.WriteNumberValue(factor);
            }

            w.WriteEndArray();
        }

        if (fire.Explore.Sigma is { } sigma)
        {
            w.WriteNumber("sigma", sigma);
        }

        if (fire.Explore.Base is { } logBase)
        {
            w.WriteNumber("base", logBase);
        }

        w.WriteNumber("resample_probability", fire.Explore.ResampleProbability);
        w.WriteEndObject();
    }

    private static void WriteSet(Utf8JsonWriter w, HyperparameterSet set)
    {
        w.WriteStartObject();
        foreach (var (name, value) in set)
        {
            w.WritePropertyName(name);
            WriteValue(w, value);
        }

        w.WriteEndObject();
    }

    private static void WriteValue(Utf8JsonWriter w, HyperValue value)
    {
        if (value.IsCategorical)
        {
            w.WriteStringValue(value.Category);
        }
        else
        {
            w.WriteNumberValue(value.Number);
        }
    }

    private static string Write(Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, s_options))
        {
            write(writer);
        }

        return Encoding.UTF8.GetString(stream.GetBuffer(), 0, checked((int)stream.Length));
    }
}
