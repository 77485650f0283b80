using System.Globalization;
using System.Text.RegularExpressions;
using Cohort.Core.Hyperparameters;
using DemeLayout = Cohort.Core.Scheduling.DemeLayout;
using GaMode = Cohort.Core.Scheduling.GaMode;
using TimeMeasure = Cohort.Core.Scheduling.TimeMeasure;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Cohort.Cli.Spec;

/// <summary>
/// Walks the YAML node tree of one spec, building the resolved records and collecting every error on the way
/// (a bad value is reported and replaced by its default so that validation can go on).
/// </summary>
internal sealed partial class SpecReader(string file, IReadOnlyCollection<string> knownDatasets)
{
    private static readonly string[] s_rootKeys = ["version", "experiment", "seed", "objective", "trainable", "hyperparameters", "constants", "steps", "ready", "runs"];
    private static readonly string[] s_objectiveKeys = ["metric", "mode"];
    private static readonly string[] s_networkKeys = ["dataset", "model", "optimizer", "batch_size", "validation_fraction", "test_fraction", "eval_samples", "standardize_targets", "split", "split_seed", "standardize_features", "batch_order", "loss_includes_penalty"];
    private static readonly string[] s_modelKeys = ["kind", "hidden", "activation", "dropout"];
    private static readonly string[] s_hyperparameterKeys = ["type", "scale", "min", "max", "grid", "prior", "choices"];
    private static readonly string[] s_readyKeys = ["every", "burn_in"];
    private static readonly string[] s_pbtKeys = ["mode", "init", "exploit", "explore", "boundary", "ablation", "copy_hyperparameters", "copy_optimizer_state"];
    private static readonly string[] s_gaKeys = ["crossover_rate", "mutation_rate", "weights_parent", "generations", "target", "time", "demes", "deme_layout", "migration_rate"];
    private static readonly string[] s_syntheticKeys = ["dimensions", "noise"];
    private static readonly string[] s_noisyQuadraticKeys = ["dimensions", "curvature_power", "batch_size", "noise"];
    private static readonly (string, bool)[] s_quadraticNoise = [("sampled", false), ("expected", true)];
    private static readonly string[] s_fireKeys = ["sub_populations", "sub_population_size", "evaluators", "eval_every", "p_stat", "max_eval_steps", "min_steps_before_eval"];
    private static readonly string[] s_runKeys = ["name", "method", "population", "points", "timeout_seconds", "retries", .. s_pbtKeys, .. s_gaKeys, .. s_fireKeys];
    private static readonly string[] s_exploitKeys = ["strategy", "fraction", "count", "rule"];
    private static readonly string[] s_exploreKeys = ["strategy", "factors", "sigma", "base", "resample_probability"];

    private static readonly (string, ObjectiveDirection)[] s_directions = [("minimize", ObjectiveDirection.Minimize), ("maximize", ObjectiveDirection.Maximize)];
    private static readonly (string, TrainableKind)[] s_trainables = [("toy", TrainableKind.Toy), ("network", TrainableKind.Network), ("synthetic", TrainableKind.Synthetic), ("noisy_quadratic", TrainableKind.NoisyQuadratic)];
    private static readonly (string, ModelKind)[] s_models = [("mlp", ModelKind.Mlp), ("lenet5", ModelKind.Lenet5), ("fc", ModelKind.Fc), ("convnet", ModelKind.Convnet)];
    private static readonly (string, GaMode)[] s_gaModes = [("pbt", GaMode.Pbt), ("topology", GaMode.Topology)];
    private static readonly (string, TimeMeasure)[] s_timeMeasures = [("steps", TimeMeasure.Steps), ("cost", TimeMeasure.Cost), ("seconds", TimeMeasure.Seconds)];
    private static readonly (string, DemeLayout)[] s_demeLayouts = [("ring", DemeLayout.Ring), ("torus", DemeLayout.Torus)];
    private static readonly (string, ActivationKind)[] s_activations = [("relu", ActivationKind.Relu), ("tanh", ActivationKind.Tanh), ("sigmoid", ActivationKind.Sigmoid)];
    private static readonly (string, OptimizerKind)[] s_optimizers = [("adam", OptimizerKind.Adam), ("adamw", OptimizerKind.AdamW), ("sgd", OptimizerKind.Sgd)];
    private static readonly (string, HyperparameterKind)[] s_types = [("float", HyperparameterKind.Continuous), ("int", HyperparameterKind.Integral), ("categorical", HyperparameterKind.Categorical)];
    private static readonly (string, HyperparameterScale)[] s_scales = [("linear", HyperparameterScale.Linear), ("log", HyperparameterScale.Log)];
    private static readonly (string, PriorKind)[] s_priors = [("uniform", PriorKind.Uniform)];
    private static readonly (string, RunMethod)[] s_methods = [("grid", RunMethod.Grid), ("random", RunMethod.Random), ("pbt", RunMethod.Pbt), ("ga", RunMethod.Ga), ("fire", RunMethod.Fire)];
    private static readonly (string, GaWeightsParent)[] s_weightsParents = [("fitness", GaWeightsParent.Fitness), ("best", GaWeightsParent.Best)];
    private static readonly (string, PbtMode)[] s_modes = [("synchronous", PbtMode.Synchronous), ("asynchronous", PbtMode.Asynchronous)];
    private static readonly (string, PbtInit)[] s_inits = [("grid-subsample", PbtInit.GridSubsample), ("grid", PbtInit.Grid), ("random", PbtInit.Random), ("points", PbtInit.Points)];
    private static readonly (string, ExploitStrategyKind)[] s_exploits = [("truncation", ExploitStrategyKind.Truncation), ("tournament", ExploitStrategyKind.Tournament), ("best-into-worst", ExploitStrategyKind.BestIntoWorst)];
    private static readonly (string, ExploreStrategyKind)[] s_explores = [("perturb", ExploreStrategyKind.Perturb), ("log-noise", ExploreStrategyKind.LogNoise), ("noise", ExploreStrategyKind.Noise)];
    private static readonly (string, BoundaryMode)[] s_boundaries = [("clamp", BoundaryMode.Clamp), ("reflect", BoundaryMode.Reflect)];
    private static readonly (string, PbtAblation)[] s_ablations = [("none", PbtAblation.None), ("explore-only", PbtAblation.ExploreOnly), ("exploit-only", PbtAblation.ExploitOnly)];

    /// <summary>Default perturbation factors (issue 2: {0.8, 1.2}).</summary>
    internal static readonly SpecList<double> DefaultFactors = SpecList.Of(0.8, 1.2);

    private const long MaxGridSize = 1_000_000;

    private readonly List<SpecError> _errors = [];

    /// <summary>Every searched hyperparameter name in the file, including those whose definition has errors.</summary>
    private readonly List<string> _declared = [];

    public IReadOnlyList<SpecError> Errors => _errors;

    public ExperimentSpec? Read(string text)
    {
        var stream = new YamlStream();
        var scanner = new Scanner(new StringReader(text));
        try
        {
            stream.Load(new Parser(scanner));
        }
        catch (YamlException e)
        {
            _errors.Add(new SpecError(file, "", null, "YAML syntax error: " + e.Message, (int)e.Start.Line, (int)e.Start.Column));
            return null;
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner fails this way on some inputs cut short, e.g. an unclosed flow collection.
            var at = scanner.CurrentPosition;
            _errors.Add(new SpecError(file, "", null, "YAML syntax error: unexpected end of input (an unclosed [, { or quote?)", (int)at.Line, (int)at.Column));
            return null;
        }

        if (stream.Documents.Count == 0 || IsNull(stream.Documents[0].RootNode))
        {
            _errors.Add(new SpecError(file, "", null, "the spec is empty; expected a mapping with version, experiment, trainable, steps and runs", 0, 0));
            return null;
        }

        if (stream.Documents.Count > 1)
        {
            Error("", stream.Documents[1].RootNode, "expected one YAML document, found " + stream.Documents.Count.ToString(CultureInfo.InvariantCulture));
        }

        var root = Map(stream.Documents[0].RootNode, "");
        if (root is null)
        {
            return null;
        }

        var keys = Keys(root, "", s_rootKeys);
        var version = Required(keys, root, "", "version") is { } v ? Integer(v, "version", x => x == 1, "1 (the only spec version)") : null;
        var experiment = Required(keys, root, "", "experiment") is { } e2 ? Name(e2, "experiment") : null;
        var seed = keys.TryGetValue("seed", out var seedNode) ? Seed(seedNode, "seed") : 0UL;
        var objective = Required(keys, root, "", "objective") is { } o ? Objective(o, "objective") : null;
        var trainable = Required(keys, root, "", "trainable") is { } t ? Trainable(t, "trainable") : null;
        var hyperparameters = keys.TryGetValue("hyperparameters", out var h) ? Hyperparameters(h, "hyperparameters") : SpecList<HyperparameterSpec>.Empty;
        var constants = keys.TryGetValue("constants", out var c) ? Constants(c, "constants", hyperparameters) : HyperparameterSet.Empty;
        var steps = Required(keys, root, "", "steps") is { } s ? Integer(s, "steps", x => x >= 1, "an integer ≥ 1") : null;
        var ready = keys.TryGetValue("ready", out var r) ? Ready(r, "ready", steps) : new ReadySpec(ClampToInt(steps ?? 1), 0);
        var runs = Required(keys, root, "", "runs") is { } runsNode ? Runs(runsNode, "runs", hyperparameters, steps, ready) : null;
        if (trainable?.NoisyQuadratic is not null && hyperparameters is not null
            && !hyperparameters.Any(x => x.Name == "lr") && !constants.ContainsKey("lr"))
        {
            Error("hyperparameters", keys.TryGetValue("hyperparameters", out var hn) ? hn : root, "the noisy quadratic is trained with SGD whose learning rate is the hyperparameter 'lr'; declare it (searched or constant)");
        }

        if (trainable?.Synthetic is { } synthetic && hyperparameters is not null)
        {
            // The synthetic problem reads h0 … h{D−1}; each must be declared (searched or constant).
            var missing = Enumerable.Range(0, synthetic.Dimensions)
                .Select(i => "h" + i.ToString(CultureInfo.InvariantCulture))
                .Where(n => !hyperparameters.Any(x => x.Name == n) && !constants.ContainsKey(n))
                .ToArray();
            if (missing.Length > 0)
            {
                Error("trainable.dimensions", keys["trainable"], $"the synthetic problem with {synthetic.Dimensions} dimensions needs hyperparameters {string.Join(", ", missing.Take(5))}{(missing.Length > 5 ? ", …" : "")}", synthetic.Dimensions.ToString(CultureInfo.InvariantCulture));
            }
        }


        if (_errors.Count > 0 || version is null || experiment is null || objective is null || trainable is null || steps is null || runs is null || ready is null || hyperparameters is null)
        {
            return null;
        }

        return new ExperimentSpec((int)version.Value, experiment, seed ?? 0, objective, trainable, hyperparameters, constants, steps.Value, ready, runs);
    }

    private ObjectiveSpec? Objective(YamlNode node, string path)
    {
        var map = Map(node, path);
        if (map is null)
        {
            return null;
        }

        var keys = Keys(map, path, s_objectiveKeys);
        var metric = Required(keys, map, path, "metric") is { } m ? Text(m, Join(path, "metric")) : null;
        var mode = keys.TryGetValue("mode", out var modeNode) ? Enum(modeNode, Join(path, "mode"), s_directions) : ObjectiveDirection.Minimize;
        return metric is null || mode is null ? null : new ObjectiveSpec(metric, mode.Value);
    }

    private TrainableSpec? Trainable(YamlNode node, string path)
    {
        var map = Map(node, path);
        if (map is null)
        {
            return null;
        }

        var keys = Keys(map, path, ["kind", .. s_networkKeys, .. s_syntheticKeys, "curvature_power"]);
        var kind = Required(keys, map, path, "kind") is { } k ? Enum(k, Join(path, "kind"), s_trainables) : null;
        if (kind is null)
        {
            return null;
        }

        if (kind == TrainableKind.NoisyQuadratic)
        {
            return NoisyQuadratic(keys, path);
        }

        if (keys.TryGetValue("curvature_power", out var cpNode))
        {
            Error(Join(path, "curvature_power"), cpNode, "only for trainable kind noisy_quadratic");
        }

        if (kind == TrainableKind.Toy)
        {
            foreach (var key in s_networkKeys.Concat(s_syntheticKeys).Where(keys.ContainsKey))
            {
                Error(Join(path, key), keys[key], "only for trainable kind network or synthetic; the toy trainable takes no options");
            }

            return new TrainableSpec(TrainableKind.Toy, null);
        }

        if (kind == TrainableKind.Synthetic)
        {
            foreach (var key in s_networkKeys.Where(keys.ContainsKey))
            {
                Error(Join(path, key), keys[key], "only for trainable kind network");
            }

            var dimensions = keys.TryGetValue("dimensions", out var dn) ? Integer(dn, Join(path, "dimensions"), x => x is >= 1 and <= 10000, "an integer in [1, 10000]") : 10;
            var noise = keys.TryGetValue("noise", out var nn) ? Number(nn, Join(path, "noise"), x => x >= 0, "a standard deviation >= 0") : 0.0;
            return dimensions is null || noise is null ? null : new TrainableSpec(TrainableKind.Synthetic, null, new SyntheticSpec((int)dimensions.Value, noise.Value));
        }

        foreach (var key in s_syntheticKeys.Where(keys.ContainsKey))
        {
            Error(Join(path, key), keys[key], "only for trainable kind synthetic");
        }

        string? dataset = null;
        if (Required(keys, map, path, "dataset") is { } d && Text(d, Join(path, "dataset")) is { } name)
        {
            if (knownDatasets.Contains(name))
            {
                dataset = name;
            }
            else
            {
                Error(Join(path, "dataset"), d, $"unknown dataset; expected one of {string.Join(", ", knownDatasets)}{Suggest(name, knownDatasets)}", name);
            }
        }

        var model = keys.TryGetValue("model", out var modelNode) ? Model(modelNode, Join(path, "model")) : new NetworkModelSpec(ModelKind.Mlp, SpecList.Of(64), ActivationKind.Relu, false);
        var optimizer = keys.TryGetValue("optimizer", out var opt) ? Enum(opt, Join(path, "optimizer"), s_optimizers) : OptimizerKind.Adam;
        var batch = keys.TryGetValue("batch_size", out var b) ? Integer(b, Join(path, "batch_size"), x => x is >= 1 and <= 1 << 20, "an integer in [1, 1048576]") : 32;
        var validation = keys.TryGetValue("validation_fraction", out var vf) ? Number(vf, Join(path, "validation_fraction"), x => x is > 0 and < 1, "a number in (0, 1)") : 0.2;
        var test = keys.TryGetValue("test_fraction", out var tf) ? Number(tf, Join(path, "test_fraction"), x => x is >= 0 and < 1, "a number in [0, 1)") : 0.2;
        var evalSamples = keys.TryGetValue("eval_samples", out var es) ? Integer(es, Join(path, "eval_samples"), x => x is >= 0 and <= int.MaxValue, "an integer ≥ 0 (0 = all)") : 0;
        if (validation is { } vv && test is { } tt && vv + tt >= 1)
        {
            Error(Join(path, "test_fraction"), tf ?? vf ?? map, string.Create(CultureInfo.InvariantCulture, $"validation_fraction + test_fraction must be below 1 (they add up to {vv + tt})"));
        }

        var standardizeTargets = keys.TryGetValue("standardize_targets", out var st) ? Bool(st, Join(path, "standardize_targets")) : false;
        if (dataset is null || model is null || optimizer is null || batch is null || validation is null || test is null || evalSamples is null || standardizeTargets is null)
        {
            return null;
        }

        var split = keys.TryGetValue("split", out var sp) ? Enum(sp, Join(path, "split"), [("seeded", DataSplitKind.Seeded), ("keras", DataSplitKind.Keras)]) : DataSplitKind.Seeded;
        var splitSeed = keys.TryGetValue("split_seed", out var ss) ? Integer(ss, Join(path, "split_seed"), x => x is >= 0 and <= uint.MaxValue, "an integer in [0, 4294967295]") : 113;
        OnlyFor(keys, path, "split_seed", split == DataSplitKind.Keras, "split keras");
        var standardizeFeatures = keys.TryGetValue("standardize_features", out var sf) ? Bool(sf, Join(path, "standardize_features")) : true;
        var batchOrder = keys.TryGetValue("batch_order", out var bo) ? Enum(bo, Join(path, "batch_order"), [("shuffled", BatchOrderKind.Shuffled), ("sequential", BatchOrderKind.Sequential)]) : BatchOrderKind.Shuffled;
        var penaltyInLoss = keys.TryGetValue("loss_includes_penalty", out var lp) ? Bool(lp, Join(path, "loss_includes_penalty")) : false;
        if (split is null || splitSeed is null || standardizeFeatures is null || batchOrder is null || penaltyInLoss is null)
        {
            return null;
        }

        return new TrainableSpec(TrainableKind.Network, new NetworkSpec(dataset, model, optimizer.Value, (int)batch.Value, validation.Value, test.Value, (int)evalSamples.Value, standardizeTargets.Value)
        {
            Split = split.Value,
            SplitSeed = (uint)splitSeed.Value,
            StandardizeFeatures = standardizeFeatures.Value,
            BatchOrder = batchOrder.Value,
            LossIncludesPenalty = penaltyInLoss.Value,
        });
    }

    private NetworkModelSpec? Model(YamlNode node, string path)
    {
        var map = Map(node, path);
        if (map is null)
        {
            return null;
        }

        var keys = Keys(map, path, s_modelKeys);
        var kind = keys.TryGetValue("kind", out var k) ? Enum(k, Join(path, "kind"), s_models) : ModelKind.Mlp;
        var activation = keys.TryGetValue("activation", out var a) ? Enum(a, Join(path, "activation"), s_activations) : ActivationKind.Relu;
        var dropout = keys.TryGetValue("dropout", out var d) ? Bool(d, Join(path, "dropout")) : false;
        SpecList<int>? hidden = kind switch
        {
            ModelKind.Fc => SpecList.Of(1024, 1024),
            ModelKind.Lenet5 or ModelKind.Convnet => SpecList<int>.Empty,
            _ => SpecList.Of(64),
        };
        if (keys.TryGetValue("hidden", out var h))
        {
            if (kind is ModelKind.Lenet5 or ModelKind.Convnet)
            {
                Error(Join(path, "hidden"), h, "lenet5 has fixed layers; hidden is only for mlp and fc");
            }
            else if (Seq(h, Join(path, "hidden")) is { } list)
            {
                var sizes = new List<int>();
                for (var i = 0; i < list.Children.Count; i++)
                {
                    if (Integer(list.Children[i], Index(Join(path, "hidden"), i), x => x is >= 1 and <= 1 << 20, "a layer width in [1, 1048576]") is { } width)
                    {
                        sizes.Add((int)width);
                    }
                }

                hidden = sizes.Count == list.Children.Count ? SpecList<int>.From(sizes) : null;
            }
            else
            {
                hidden = null;
            }
        }

        return kind is null || activation is null || dropout is null || hidden is null ? null : new NetworkModelSpec(kind.Value, hidden, activation.Value, dropout.Value);
    }

    private SpecList<HyperparameterSpec>? Hyperparameters(YamlNode node, string path)
    {
        if (IsNull(node))
        {
            return SpecList<HyperparameterSpec>.Empty;
        }

        var map = Map(node, path);
        if (map is null)
        {
            return null;
        }

        var specs = new List<HyperparameterSpec>();
        var ok = true;
        foreach (var (keyNode, valueNode) in map.Children)
        {
            var name = KeyName(keyNode, path);
            if (name is null)
            {
                ok = false;
                continue;
            }

            if (!HyperparameterName().IsMatch(name))
            {
                Error(Join(path, name), keyNode, "a hyperparameter name must match [A-Za-z_][A-Za-z0-9_.-]*", name);
                ok = false;
                continue;
            }

            _declared.Add(name);
            var spec = Hyperparameter(name, valueNode, Join(path, name));
            if (spec is null)
            {
                ok = false;
            }
            else
            {
                specs.Add(spec);
            }
        }

        _ = ok; // errors are recorded; the valid ones let later sections (points, grids) still be checked
        return SpecList<HyperparameterSpec>.From(specs);
    }

    private HyperparameterSpec? Hyperparameter(string name, YamlNode node, string path)
    {
        var map = Map(node, path);
        if (map is null)
        {
            return null;
        }

        var keys = Keys(map, path, s_hyperparameterKeys);
        var type = Required(keys, map, path, "type") is { } t ? Enum(t, Join(path, "type"), s_types) : null;
        if (type is null)
        {
            return null;
        }

        var prior = keys.TryGetValue("prior", out var p) ? Enum(p, Join(path, "prior"), s_priors) : PriorKind.Uniform;
        if (type == HyperparameterKind.Categorical)
        {
            foreach (var key in new[] { "scale", "min", "max" }.Where(keys.ContainsKey))
            {
                Error(Join(path, key), keys[key], "only for float and int hyperparameters; a categorical one has choices");
            }

            var choices = Required(keys, map, path, "choices") is { } c ? Choices(c, Join(path, "choices")) : null;
            SpecList<HyperValue>? grid = choices is null ? null : SpecList<HyperValue>.From(choices.Select(HyperValue.Of));
            if (keys.TryGetValue("grid", out var g) && choices is not null)
            {
                grid = CategoricalGrid(g, Join(path, "grid"), choices);
            }

            return choices is null || grid is null || prior is null
                ? null
                : new HyperparameterSpec(name, HyperparameterKind.Categorical, HyperparameterScale.Linear, null, null, choices, prior.Value, grid);
        }

        if (keys.TryGetValue("choices", out var stray))
        {
            Error(Join(path, "choices"), stray, "only for categorical hyperparameters; a float or int one has min and max");
        }

        var integral = type == HyperparameterKind.Integral;
        var scale = keys.TryGetValue("scale", out var s) ? Enum(s, Join(path, "scale"), s_scales) : HyperparameterScale.Linear;
        var min = Required(keys, map, path, "min") is { } minNode ? Bound(minNode, Join(path, "min"), integral) : null;
        var max = Required(keys, map, path, "max") is { } maxNode ? Bound(maxNode, Join(path, "max"), integral) : null;
        var boundsOk = min is not null && max is not null && scale is not null;
        if (boundsOk && min >= max)
        {
            Error(Join(path, "min"), keys["min"], string.Create(CultureInfo.InvariantCulture, $"min must be less than max ({Format(max!.Value)})"));
            boundsOk = false;
        }

        if (boundsOk && scale == HyperparameterScale.Log && min <= 0)
        {
            Error(Join(path, "min"), keys["min"], "a log-scale hyperparameter needs min > 0");
            boundsOk = false;
        }

        SpecList<HyperValue>? numericGrid = SpecList<HyperValue>.Empty;
        if (keys.TryGetValue("grid", out var gridNode))
        {
            numericGrid = boundsOk ? NumericGrid(gridNode, Join(path, "grid"), integral, scale!.Value, min!.Value, max!.Value) : null;
        }

        return !boundsOk || numericGrid is null || prior is null
            ? null
            : new HyperparameterSpec(name, type.Value, scale!.Value, min, max, SpecList<string>.Empty, prior.Value, numericGrid);
    }

    private double? Bound(YamlNode node, string path, bool integral) =>
        integral
            ? Integer(node, path, x => Math.Abs(x) <= 1L << 53, "an integer") is { } i ? i : null
            : Number(node, path);

    private SpecList<string>? Choices(YamlNode node, string path)
    {
        var list = Seq(node, path);
        if (list is null)
        {
            return null;
        }

        if (list.Children.Count == 0)
        {
            Error(path, node, "expected at least one choice", "[]");
            return null;
        }

        var choices = new List<string>();
        for (var i = 0; i < list.Children.Count; i++)
        {
            var item = Text(list.Children[i], Index(path, i));
            if (item is null)
            {
                continue;
            }

            if (choices.Contains(item))
            {
                Error(Index(path, i), list.Children[i], "duplicate choice", item);
                continue;
            }

            choices.Add(item);
        }

        return choices.Count == list.Children.Count ? SpecList<string>.From(choices) : null;
    }

    private SpecList<HyperValue>? CategoricalGrid(YamlNode node, string path, SpecList<string> choices)
    {
        var list = Seq(node, path, "a list of choices (a categorical grid cannot be a count)");
        if (list is null)
        {
            return null;
        }

        if (list.Children.Count == 0)
        {
            Error(path, node, "empty grid; expected at least one choice", "[]");
            return null;
        }

        var values = new List<HyperValue>();
        for (var i = 0; i < list.Children.Count; i++)
        {
            if (Categorical(list.Children[i], Index(path, i), choices) is { } value)
            {
                if (values.Contains(value))
                {
                    Error(Index(path, i), list.Children[i], "duplicate grid value", value.Category);
                    continue;
                }

                values.Add(value);
            }
        }

        return values.Count == list.Children.Count ? SpecList<HyperValue>.From(values) : null;
    }

    private SpecList<HyperValue>? NumericGrid(YamlNode node, string path, bool integral, HyperparameterScale scale, double min, double max)
    {
        if (node is YamlScalarNode)
        {
            var count = Integer(node, path, x => x is >= 2 and <= MaxGridSize, "a grid count in [2, 1000000] or a list of values");
            if (count is null)
            {
                return null;
            }

            var values = new List<HyperValue>();
            for (var i = 0; i < count; i++)
            {
                var t = (double)i / (count.Value - 1);
                var v = i == 0 ? min
                    : i == count - 1 ? max
                    : scale == HyperparameterScale.Log ? Math.Exp(Math.Log(min) + (t * (Math.Log(max) - Math.Log(min))))
                    : min + (t * (max - min));
                if (integral)
                {
                    v = Math.Round(v, MidpointRounding.AwayFromZero);
                }

                if (!values.Contains(v))
                {
                    values.Add(v);
                }
            }

            return SpecList<HyperValue>.From(values);
        }

        var list = Seq(node, path, "a grid count or a list of values");
        if (list is null)
        {
            return null;
        }

        if (list.Children.Count == 0)
        {
            Error(path, node, "empty grid; expected a count ≥ 2 or at least one value", "[]");
            return null;
        }

        var explicitValues = new List<HyperValue>();
        for (var i = 0; i < list.Children.Count; i++)
        {
            if (NumericValue(list.Children[i], Index(path, i), integral, min, max) is { } value)
            {
                if (explicitValues.Contains(value))
                {
                    Error(Index(path, i), list.Children[i], "duplicate grid value", Format(value.Number));
                    continue;
                }

                explicitValues.Add(value);
            }
        }

        return explicitValues.Count == list.Children.Count ? SpecList<HyperValue>.From(explicitValues) : null;
    }

    private HyperValue? NumericValue(YamlNode node, string path, bool integral, double min, double max)
    {
        var range = string.Create(CultureInfo.InvariantCulture, $"[{Format(min)}, {Format(max)}]");
        double? value = integral
            ? Integer(node, path, x => x >= min && x <= max, "an integer in " + range)
            : Number(node, path, x => x >= min && x <= max, "a number in " + range);
        return value is null ? (HyperValue?)null : HyperValue.Of(value.Value);
    }

    private HyperValue? Categorical(YamlNode node, string path, SpecList<string> choices)
    {
        var text = Text(node, path);
        if (text is null)
        {
            return null;
        }

        if (!choices.Contains(text))
        {
            Error(path, node, $"expected one of the choices {string.Join(", ", choices)}{Suggest(text, choices)}", text);
            return null;
        }

        return HyperValue.Of(text);
    }

    /// <summary>A value for a searched hyperparameter, checked against its type, bounds or choices.</summary>
    private HyperValue? ValueFor(HyperparameterSpec spec, YamlNode node, string path) =>
        spec.Kind == HyperparameterKind.Categorical
            ? Categorical(node, path, spec.Choices)
            : NumericValue(node, path, spec.Kind == HyperparameterKind.Integral, spec.Min!.Value, spec.Max!.Value);

    private HyperparameterSet Constants(YamlNode node, string path, SpecList<HyperparameterSpec>? searched)
    {
        if (IsNull(node))
        {
            return HyperparameterSet.Empty;
        }

        var map = Map(node, path);
        if (map is null)
        {
            return HyperparameterSet.Empty;
        }

        var values = new List<KeyValuePair<string, HyperValue>>();
        foreach (var (keyNode, valueNode) in map.Children)
        {
            var name = KeyName(keyNode, path);
            if (name is null)
            {
                continue;
            }

            var p = Join(path, name);
            if (searched is not null && searched.Any(h => h.Name == name))
            {
                Error(p, keyNode, $"'{name}' is also a searched hyperparameter; a constant is never searched", name);
                continue;
            }

            if (valueNode is not YamlScalarNode scalar || IsNull(scalar))
            {
                Error(p, valueNode, "expected a number or a category name", Describe(valueNode));
                continue;
            }

            if (scalar.Style is ScalarStyle.Plain && TryNumber(scalar.Value!, out var number))
            {
                if (!double.IsFinite(number))
                {
                    Error(p, valueNode, "expected a finite number", scalar.Value);
                    continue;
                }

                values.Add(new(name, number));
            }
            else
            {
                values.Add(new(name, scalar.Value!));
            }
        }

        return HyperparameterSet.From(values);
    }

    private ReadySpec? Ready(YamlNode node, string path, long? steps)
    {
        var map = Map(node, path);
        if (map is null)
        {
            return null;
        }

        var keys = Keys(map, path, s_readyKeys);
        var limit = steps ?? int.MaxValue;
        var every = keys.TryGetValue("every", out var e)
            ? Integer(e, Join(path, "every"), x => x >= 1 && x <= Math.Min(limit, int.MaxValue), string.Create(CultureInfo.InvariantCulture, $"an integer in [1, steps = {limit}]"))
            : Math.Min(limit, int.MaxValue);
        var burnIn = keys.TryGetValue("burn_in", out var b)
            ? Integer(b, Join(path, "burn_in"), x => x >= 0 && x < Math.Min(limit, int.MaxValue), string.Create(CultureInfo.InvariantCulture, $"an integer in [0, steps = {limit})"))
            : 0;
        return every is null || burnIn is null ? null : new ReadySpec((int)every.Value, (int)burnIn.Value);
    }

    private SpecList<RunSpec>? Runs(YamlNode node, string path, SpecList<HyperparameterSpec>? hyperparameters, long? steps, ReadySpec? ready)
    {
        var list = Seq(node, path);
        if (list is null)
        {
            return null;
        }

        if (list.Children.Count == 0)
        {
            Error(path, node, "expected at least one run", "[]");
            return null;
        }

        var runs = new List<RunSpec>();
        var names = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < list.Children.Count; i++)
        {
            var run = Run(list.Children[i], Index(path, i), hyperparameters, steps, ready, names, i);
            if (run is not null)
            {
                runs.Add(run);
            }
        }

        return runs.Count == list.Children.Count ? SpecList<RunSpec>.From(runs) : null;
    }

    private RunSpec? Run(YamlNode node, string path, SpecList<HyperparameterSpec>? hyperparameters, long? steps, ReadySpec? ready, Dictionary<string, int> names, int index)
    {
        var map = Map(node, path);
        if (map is null)
        {
            return null;
        }

        var keys = Keys(map, path, s_runKeys);
        var name = Required(keys, map, path, "name") is { } n ? Name(n, Join(path, "name")) : null;
        if (name is not null)
        {
            if (names.TryGetValue(name, out var first))
            {
                Error(Join(path, "name"), keys["name"], string.Create(CultureInfo.InvariantCulture, $"duplicate run name; runs[{first}] already uses it"), name);
                name = null;
            }
            else
            {
                names[name] = index;
            }
        }

        var method = Required(keys, map, path, "method") is { } m ? Enum(m, Join(path, "method"), s_methods) : null;
        var population = keys.TryGetValue("population", out var popNode) ? Integer(popNode, Join(path, "population"), x => x is >= 1 and <= MaxGridSize, "an integer in [1, 1000000]") : null;
        var timeout = keys.TryGetValue("timeout_seconds", out var to) ? Number(to, Join(path, "timeout_seconds"), x => x >= 0, "a number of seconds ≥ 0 (0 = none)") : 0;
        var retries = keys.TryGetValue("retries", out var re) ? Integer(re, Join(path, "retries"), x => x is >= 0 and <= 1000, "an integer in [0, 1000]") : 2;
        var points = keys.TryGetValue("points", out var pointsNode) && hyperparameters is not null ? Points(pointsNode, Join(path, "points"), hyperparameters) : SpecList<HyperparameterSet>.Empty;
        var ok = name is not null && method is not null && timeout is not null && retries is not null && points is not null && hyperparameters is not null
            && (popNode is null || population is not null);
        if (method is null)
        {
            return null;
        }

        if (method != RunMethod.Pbt)
        {
            // FIRE PBT runs ordinary PBT inside each sub-population: it takes the exploit and explore keys too; ga takes mode.
            foreach (var key in s_pbtKeys.Where(keys.ContainsKey)
                .Where(key => !(method == RunMethod.Fire && key is "exploit" or "explore") && !(method == RunMethod.Ga && key == "mode")))
            {
                Error(Join(path, key), keys[key], method == RunMethod.Fire ? "only for method pbt (fire takes exploit and explore)" : "only for method pbt");
                ok = false;
            }
        }

        if (method != RunMethod.Fire)
        {
            foreach (var key in s_fireKeys.Where(keys.ContainsKey))
            {
                Error(Join(path, key), keys[key], "only for method fire");
                ok = false;
            }
        }

        if (method != RunMethod.Ga)
        {
            foreach (var key in s_gaKeys.Where(keys.ContainsKey))
            {
                Error(Join(path, key), keys[key], "only for method ga");
                ok = false;
            }
        }

        if (!ok)
        {
            return null;
        }

        long? resolved;
        PbtSpec? pbt = null;
        GaSpec? ga = null;
        FireSpec? fire = null;
        switch (method)
        {
            case RunMethod.Fire:
                (fire, resolved) = Fire(map, keys, path, points!, population, popNode, steps, ready);
                break;
            case RunMethod.Ga:
                (ga, resolved) = Ga(map, keys, path, points!, population, popNode);
                if (ready is not null && steps is not null && ready.Every >= steps)
                {
                    Error("ready.every", map, string.Create(CultureInfo.InvariantCulture, $"a ga run ({path}) needs ready.every < steps = {steps}, or it never breeds"), ready.Every.ToString(CultureInfo.InvariantCulture));
                }

                break;
            case RunMethod.Grid:
                resolved = points!.Count > 0 ? points.Count : GridSize(hyperparameters!, path, map, "method grid");
                resolved = Agree(resolved, population, popNode, Join(path, "population"), points.Count > 0 ? "the number of points" : "the grid size");
                break;
            case RunMethod.Random:
                if (points!.Count > 0)
                {
                    Error(Join(path, "points"), pointsNode!, "points are for grid and pbt runs; a random run samples from the priors");
                    return null;
                }

                if (population is null)
                {
                    Error(Join(path, "population"), map, "required key is missing: a random run needs a population");
                }

                resolved = population;
                break;
            default:
                (pbt, resolved) = Pbt(map, keys, path, hyperparameters!, points!, population, popNode);
                if (ready is not null && steps is not null && ready.Every >= steps)
                {
                    Error("ready.every", map, string.Create(CultureInfo.InvariantCulture, $"a pbt run ({path}) needs ready.every < steps = {steps}, or it never exploits"), ready.Every.ToString(CultureInfo.InvariantCulture));
                }

                break;
        }

        return resolved is null || (method == RunMethod.Pbt && pbt is null) || (method == RunMethod.Ga && ga is null) || (method == RunMethod.Fire && fire is null)
            ? null
            : new RunSpec(name!, method.Value, (int)resolved.Value, points!, pbt, timeout!.Value, (int)retries!.Value, ga, fire);
    }

    /// <summary>A ga run: its population (random init from the priors, or the points) and paper 004's rates.</summary>
    private (GaSpec? Ga, long? Population) Ga(
        YamlMappingNode map,
        Dictionary<string, YamlNode> keys,
        string path,
        SpecList<HyperparameterSet> points,
        long? population,
        YamlNode? popNode)
    {
        long? resolved = null;
        if (points.Count > 0)
        {
            resolved = Agree(points.Count, population, popNode, Join(path, "population"), "the number of points");
        }
        else if (population is null)
        {
            Error(Join(path, "population"), map, "required key is missing: a ga run needs a population (or points)");
        }
        else
        {
            resolved = population;
        }

        if (resolved is < 2)
        {
            Error(Join(path, "population"), popNode ?? map, "a ga run needs a population of at least 2 (parents breed)", resolved.Value.ToString(CultureInfo.InvariantCulture));
            resolved = null;
        }

        var crossover = keys.TryGetValue("crossover_rate", out var cr) ? Number(cr, Join(path, "crossover_rate"), x => x is >= 0 and <= 1, "a rate in [0, 1]") : 0.33;
        var mutation = keys.TryGetValue("mutation_rate", out var mr) ? Number(mr, Join(path, "mutation_rate"), x => x is >= 0 and <= 1, "a rate in [0, 1]") : 0.05;
        var weights = keys.TryGetValue("weights_parent", out var wp) ? Enum(wp, Join(path, "weights_parent"), s_weightsParents) : GaWeightsParent.Fitness;
        var mode = keys.TryGetValue("mode", out var md) ? Enum(md, Join(path, "mode"), s_gaModes) : GaMode.Pbt;
        var generations = keys.TryGetValue("generations", out var gn) ? Integer(gn, Join(path, "generations"), x => x is >= 1 and <= 1_000_000, "an integer in [1, 1000000]") : 250;
        double? target = null;
        if (keys.TryGetValue("target", out var tg))
        {
            target = Number(tg, Join(path, "target"), double.IsFinite, "a finite objective value");
            if (target is not null && mode != GaMode.Topology)
            {
                Error(Join(path, "target"), tg, "a time-to-target fom is for mode topology only (in pbt mode members inherit weights)");
                mode = null;
            }
        }

        var time = keys.TryGetValue("time", out var tm) ? Enum(tm, Join(path, "time"), s_timeMeasures) : TimeMeasure.Steps;
        foreach (var key in new[] { "generations", "time" }.Where(k => keys.ContainsKey(k) && mode == GaMode.Pbt))
        {
            Error(Join(path, key), keys[key], "only for mode topology");
            mode = null;
        }

        var demes = keys.TryGetValue("demes", out var dm) ? Integer(dm, Join(path, "demes"), x => x is >= 1 and <= 1_000_000, "an integer >= 1") : 1;
        var layout = keys.TryGetValue("deme_layout", out var dl) ? Enum(dl, Join(path, "deme_layout"), s_demeLayouts) : DemeLayout.Ring;
        var migration = keys.TryGetValue("migration_rate", out var mg) ? Number(mg, Join(path, "migration_rate"), x => x is >= 0 and <= 1, "a rate in [0, 1]") : 0.05;
        if (demes is { } d && resolved is { } pop && d > pop)
        {
            Error(Join(path, "demes"), dm!, string.Create(CultureInfo.InvariantCulture, $"more demes than members (population {pop})"), d.ToString(CultureInfo.InvariantCulture));
            demes = null;
        }

        return crossover is null || mutation is null || weights is null || resolved is null || mode is null || generations is null
            || time is null || demes is null || layout is null || migration is null
            ? (null, null)
            : (new GaSpec(crossover.Value, mutation.Value, weights.Value, mode.Value, (int)generations.Value, target, time.Value, (int)demes.Value, layout.Value, migration.Value), resolved);
    }

    private (PbtSpec? Pbt, long? Population) Pbt(
        YamlMappingNode map,
        Dictionary<string, YamlNode> keys,
        string path,
        SpecList<HyperparameterSpec> hyperparameters,
        SpecList<HyperparameterSet> points,
        long? population,
        YamlNode? popNode)
    {
        var mode = keys.TryGetValue("mode", out var md) ? Enum(md, Join(path, "mode"), s_modes) : PbtMode.Synchronous;
        var hasGrid = hyperparameters.All(h => h.Grid.Count > 0);
        var init = keys.TryGetValue("init", out var initNode)
            ? Enum(initNode, Join(path, "init"), s_inits)
            : points.Count > 0 ? PbtInit.Points : hasGrid ? PbtInit.GridSubsample : PbtInit.Random;
        var boundary = keys.TryGetValue("boundary", out var bd) ? Enum(bd, Join(path, "boundary"), s_boundaries) : BoundaryMode.Clamp;
        var ablation = keys.TryGetValue("ablation", out var ab) ? Enum(ab, Join(path, "ablation"), s_ablations) : PbtAblation.None;

        long? resolved = null;
        switch (init)
        {
            case PbtInit.Points:
                if (points.Count == 0)
                {
                    Error(Join(path, "points"), initNode ?? map, "init points needs a points list");
                }
                else
                {
                    resolved = Agree(points.Count, population, popNode, Join(path, "population"), "the number of points");
                }

                break;
            case PbtInit.Grid:
                resolved = Agree(GridSize(hyperparameters, path, map, "init grid"), population, popNode, Join(path, "population"), "the grid size");
                break;
            case PbtInit.GridSubsample:
                var size = GridSize(hyperparameters, path, map, "init grid-subsample");
                if (population is null)
                {
                    Error(Join(path, "population"), map, "required key is missing: a pbt run sub-sampling the grid needs a population");
                }
                else if (size is not null && population > size)
                {
                    Error(Join(path, "population"), popNode!, string.Create(CultureInfo.InvariantCulture, $"a sub-sample of the grid has at most the grid size ({size}) members"), population.Value.ToString(CultureInfo.InvariantCulture));
                }
                else
                {
                    resolved = population;
                }

                break;
            case PbtInit.Random:
                if (population is null)
                {
                    Error(Join(path, "population"), map, "required key is missing: a pbt run with random init needs a population");
                }

                resolved = population;
                break;
        }

        if (init is not null and not PbtInit.Points && points.Count > 0)
        {
            Error(Join(path, "points"), keys["points"], "points are used only with init: points");
            resolved = null;
        }

        if (resolved is < 2)
        {
            Error(Join(path, "population"), popNode ?? map, "a pbt run needs a population of at least 2 (members exploit each other)", resolved.Value.ToString(CultureInfo.InvariantCulture));
            resolved = null;
        }

        var exploit = keys.TryGetValue("exploit", out var ex) ? Exploit(ex, Join(path, "exploit"), resolved) : new ExploitSpec(ExploitStrategyKind.Truncation, 0.2, null);
        var explore = keys.TryGetValue("explore", out var xp) ? Explore(xp, Join(path, "explore")) : new ExploreSpec(ExploreStrategyKind.Perturb, DefaultFactors, null, null, 0.0);
        if (mode is null || init is null || boundary is null || ablation is null || exploit is null || explore is null || resolved is null)
        {
            return (null, null);
        }

        var copy = true;
        if (keys.TryGetValue("copy_hyperparameters", out var cp))
        {
            if (cp is YamlScalarNode { Value: "true" or "false" } scalar)
            {
                copy = scalar.Value == "true";
            }
            else
            {
                Error(Join(path, "copy_hyperparameters"), cp, "expected true or false", (cp as YamlScalarNode)?.Value);
                return (null, null);
            }
        }

        var copyOptimizer = keys.TryGetValue("copy_optimizer_state", out var co) ? Bool(co, Join(path, "copy_optimizer_state")) : true;
        if (copyOptimizer is null)
        {
            return (null, null);
        }

        if (copyOptimizer == false && mode == PbtMode.Asynchronous)
        {
            Error(Join(path, "copy_optimizer_state"), co!, "copy_optimizer_state: false needs mode synchronous (receiver and donor at the same step)", "false");
            return (null, null);
        }

        return (new PbtSpec(mode.Value, init.Value, exploit, explore, boundary.Value, ablation.Value, copy) { CopyOptimizerState = copyOptimizer.Value }, resolved);
    }

    /// <summary>The noisy quadratic testbed: dimensions D, curvature power p (h_i = i^−p) and batch size B.</summary>
    private TrainableSpec? NoisyQuadratic(Dictionary<string, YamlNode> keys, string path)
    {
        foreach (var key in keys.Keys.Where(k => k != "kind" && !s_noisyQuadraticKeys.Contains(k)))
        {
            Error(Join(path, key), keys[key], "not an option of trainable kind noisy_quadratic; expected " + string.Join(", ", s_noisyQuadraticKeys));
        }

        var dimensions = keys.TryGetValue("dimensions", out var dn) ? Integer(dn, Join(path, "dimensions"), x => x is >= 1 and <= 100000, "an integer in [1, 100000]") : 100;
        var power = keys.TryGetValue("curvature_power", out var pn) ? Number(pn, Join(path, "curvature_power"), x => x is >= 0 and <= 10, "a number in [0, 10]") : 2.0;
        var batch = keys.TryGetValue("batch_size", out var bn) ? Number(bn, Join(path, "batch_size"), x => x > 0 && double.IsFinite(x), "a number > 0") : 100.0;
        bool? expected = false;
        if (keys.TryGetValue("noise", out var nn))
        {
            var text = (nn as YamlScalarNode)?.Value;
            var match = s_quadraticNoise.FirstOrDefault(x => x.Item1 == text);
            if (match.Item1 is null)
            {
                Error(Join(path, "noise"), nn, "expected sampled or expected", text);
                expected = null;
            }
            else
            {
                expected = match.Item2;
            }
        }

        return dimensions is null || power is null || batch is null || expected is null
            ? null
            : new TrainableSpec(TrainableKind.NoisyQuadratic, null, null, new NoisyQuadraticSpec((int)dimensions.Value, power.Value, batch.Value, expected.Value));
    }

    /// <summary>A fire run (paper 001): W workers split into n sub-populations of S members and |H| evaluators.</summary>
    private (FireSpec? Fire, long? Population) Fire(
        YamlMappingNode map,
        Dictionary<string, YamlNode> keys,
        string path,
        SpecList<HyperparameterSet> points,
        long? population,
        YamlNode? popNode,
        long? steps,
        ReadySpec? ready)
    {
        if (points.Count > 0)
        {
            Error(Join(path, "points"), keys["points"], "a fire run samples its members from the priors; points are for grid, pbt and ga runs");
        }

        if (population is null)
        {
            Error(Join(path, "population"), map, "required key is missing: a fire run needs a population (the total number of workers: members and evaluators)");
        }

        if (ready is not null && steps is not null && ready.Every >= steps)
        {
            Error("ready.every", map, string.Create(CultureInfo.InvariantCulture, $"a fire run ({path}) needs ready.every < steps = {steps}, or it never evolves"), ready.Every.ToString(CultureInfo.InvariantCulture));
        }

        var every = ready?.Every ?? 1;
        var n = keys.TryGetValue("sub_populations", out var sn) ? Integer(sn, Join(path, "sub_populations"), x => x is >= 2 and <= 100, "an integer in [2, 100]") : 2;
        var size = keys.TryGetValue("sub_population_size", out var zn) ? Integer(zn, Join(path, "sub_population_size"), x => x is >= 1 and <= MaxGridSize, "an integer >= 1") : 0;
        var evaluators = keys.TryGetValue("evaluators", out var en) ? Integer(en, Join(path, "evaluators"), x => x is >= 1 and <= MaxGridSize, "an integer >= 1") : null;
        var evalEvery = keys.TryGetValue("eval_every", out var vn)
            ? Integer(vn, Join(path, "eval_every"), x => x >= 1 && every % x == 0, string.Create(CultureInfo.InvariantCulture, $"an integer >= 1 that divides ready.every = {every}"))
            : every;
        var pStat = keys.TryGetValue("p_stat", out var ps) ? Number(ps, Join(path, "p_stat"), x => x is > 0 and < 1, "a probability in (0, 1)") : 0.01;
        var maxEval = keys.TryGetValue("max_eval_steps", out var mx) ? Integer(mx, Join(path, "max_eval_steps"), x => x >= 1, "an integer >= 1") : 3L * every;
        SpecList<long>? minSteps = SpecList<long>.Empty;
        if (keys.TryGetValue("min_steps_before_eval", out var ms) && n is not null)
        {
            if (ms is YamlScalarNode)
            {
                minSteps = Integer(ms, Join(path, "min_steps_before_eval"), x => x >= 0, "an integer >= 0, or a list with one per parent sub-population") is { } one
                    ? SpecList<long>.From(Enumerable.Repeat(one, (int)n.Value - 1))
                    : null;
            }
            else if (Seq(ms, Join(path, "min_steps_before_eval"), "an integer or a list of integers") is { } list)
            {
                var values = new List<long>();
                for (var i = 0; i < list.Children.Count; i++)
                {
                    if (Integer(list.Children[i], Index(Join(path, "min_steps_before_eval"), i), x => x >= 0, "an integer >= 0") is { } v)
                    {
                        values.Add(v);
                    }
                }

                if (values.Count > n.Value - 1)
                {
                    Error(Join(path, "min_steps_before_eval"), ms, string.Create(CultureInfo.InvariantCulture, $"one entry per parent sub-population (P2 … P{n}): at most {n - 1}"), values.Count.ToString(CultureInfo.InvariantCulture));
                }

                minSteps = values.Count == list.Children.Count ? SpecList<long>.From(values) : null;
            }
            else
            {
                minSteps = null;
            }
        }

        var exploit = keys.TryGetValue("exploit", out var ex) ? Exploit(ex, Join(path, "exploit"), population) : new ExploitSpec(ExploitStrategyKind.Truncation, 0.25, null);
        var explore = keys.TryGetValue("explore", out var xp) ? Explore(xp, Join(path, "explore")) : new ExploreSpec(ExploreStrategyKind.Perturb, SpecList.Of(0.5, 0.8, 1.25, 2.0), null, null, 0.0);
        if (population is null || n is null || size is null || (en is not null && evaluators is null) || evalEvery is null || pStat is null || maxEval is null || minSteps is null
            || exploit is null || explore is null || points.Count > 0)
        {
            return (null, null);
        }

        int s;
        int e;
        try
        {
            (s, e) = new Core.Scheduling.FireOptions { SubPopulations = (int)n.Value, SubPopulationSize = (int)size.Value, Evaluators = (int?)evaluators }.Split((int)population.Value);
        }
        catch (ArgumentException ex2)
        {
            Error(Join(path, "population"), popNode ?? map, ex2.Message.Split(" (Parameter", 2)[0], population.Value.ToString(CultureInfo.InvariantCulture));
            return (null, null);
        }

        return (new FireSpec((int)n.Value, s, e, (int)evalEvery.Value, pStat.Value, maxEval.Value, minSteps, exploit, explore), population);
    }

    private ExploitSpec? Exploit(YamlNode node, string path, long? population)
    {
        var map = Map(node, path);
        if (map is null)
        {
            return null;
        }

        var keys = Keys(map, path, s_exploitKeys);
        var strategy = keys.TryGetValue("strategy", out var s) ? Enum(s, Join(path, "strategy"), s_exploits) : ExploitStrategyKind.Truncation;
        if (strategy is null)
        {
            return null;
        }

        OnlyFor(keys, path, "fraction", strategy == ExploitStrategyKind.Truncation, "strategy truncation");
        OnlyFor(keys, path, "count", strategy == ExploitStrategyKind.BestIntoWorst, "strategy best-into-worst");
        OnlyFor(keys, path, "rule", strategy == ExploitStrategyKind.Truncation, "strategy truncation");
        switch (strategy)
        {
            case ExploitStrategyKind.Truncation:
                var fraction = keys.TryGetValue("fraction", out var f) ? Number(f, Join(path, "fraction"), x => x is > 0 and <= 0.5, "a number in (0, 0.5]") : 0.2;
                var rule = keys.TryGetValue("rule", out var r) ? Enum(r, Join(path, "rule"), [("count", TruncationRuleKind.Count), ("percentile", TruncationRuleKind.Percentile)]) : TruncationRuleKind.Count;
                return fraction is null || rule is null ? null : new ExploitSpec(ExploitStrategyKind.Truncation, fraction, null) { Rule = rule.Value };
            case ExploitStrategyKind.BestIntoWorst:
                var half = population is { } p ? p / 2 : MaxGridSize;
                var count = keys.TryGetValue("count", out var c)
                    ? Integer(c, Join(path, "count"), x => x >= 1 && x <= Math.Max(1, half), string.Create(CultureInfo.InvariantCulture, $"an integer in [1, population / 2 = {Math.Max(1, half)}]"))
                    : 1;
                return count is null ? null : new ExploitSpec(ExploitStrategyKind.BestIntoWorst, null, (int)count.Value);
            default:
                return new ExploitSpec(strategy.Value, null, null);
        }
    }

    private ExploreSpec? Explore(YamlNode node, string path)
    {
        var map = Map(node, path);
        if (map is null)
        {
            return null;
        }

        var keys = Keys(map, path, s_exploreKeys);
        var strategy = keys.TryGetValue("strategy", out var s) ? Enum(s, Join(path, "strategy"), s_explores) : ExploreStrategyKind.Perturb;
        if (strategy is null)
        {
            return null;
        }

        var perturb = strategy == ExploreStrategyKind.Perturb;
        OnlyFor(keys, path, "factors", perturb, "strategy perturb");
        OnlyFor(keys, path, "sigma", !perturb, "strategy log-noise or noise");
        OnlyFor(keys, path, "base", strategy == ExploreStrategyKind.LogNoise, "strategy log-noise");
        var resample = keys.TryGetValue("resample_probability", out var rp) ? Number(rp, Join(path, "resample_probability"), x => x is >= 0 and <= 1, "a probability in [0, 1]") : 0.0;
        if (perturb)
        {
            var factors = keys.TryGetValue("factors", out var f) ? Factors(f, Join(path, "factors")) : DefaultFactors;
            return factors is null || resample is null ? null : new ExploreSpec(ExploreStrategyKind.Perturb, factors, null, null, resample.Value);
        }

        var sigma = keys.TryGetValue("sigma", out var sg) ? Number(sg, Join(path, "sigma"), x => x > 0, "a number > 0") : 0.5;
        if (strategy == ExploreStrategyKind.Noise)
        {
            // Additive N(0, sigma) noise in units of each hyperparameter's range (the PBT paper's toy explores this way).
            return sigma is null || resample is null ? null : new ExploreSpec(ExploreStrategyKind.Noise, SpecList<double>.Empty, sigma, null, resample.Value);
        }

        var logBase = keys.TryGetValue("base", out var b) ? Number(b, Join(path, "base"), x => x == 2, "2 (noise is added in log2 space, as in paper 003)") : 2.0;
        return sigma is null || logBase is null || resample is null ? null : new ExploreSpec(ExploreStrategyKind.LogNoise, SpecList<double>.Empty, sigma, logBase, resample.Value);
    }

    private SpecList<double>? Factors(YamlNode node, string path)
    {
        var list = Seq(node, path);
        if (list is null)
        {
            return null;
        }

        if (list.Children.Count == 0)
        {
            Error(path, node, "expected at least one perturbation factor", "[]");
            return null;
        }

        var factors = new List<double>();
        for (var i = 0; i < list.Children.Count; i++)
        {
            if (Number(list.Children[i], Index(path, i), x => x > 0, "a factor > 0") is { } factor)
            {
                factors.Add(factor);
            }
        }

        return factors.Count == list.Children.Count ? SpecList<double>.From(factors) : null;
    }

    private SpecList<HyperparameterSet>? Points(YamlNode node, string path, SpecList<HyperparameterSpec> hyperparameters)
    {
        var list = Seq(node, path);
        if (list is null)
        {
            return null;
        }

        if (list.Children.Count == 0)
        {
            Error(path, node, "expected at least one point (or leave points out)", "[]");
            return null;
        }

        var points = new List<HyperparameterSet>();
        var names = _declared.ToArray();
        for (var i = 0; i < list.Children.Count; i++)
        {
            var p = Index(path, i);
            var map = Map(list.Children[i], p);
            if (map is null)
            {
                continue;
            }

            var keys = Keys(map, p, names, "hyperparameter");
            var values = new List<KeyValuePair<string, HyperValue>>();
            foreach (var name in names)
            {
                if (!keys.TryGetValue(name, out var valueNode))
                {
                    Error(Join(p, name), map, "missing: every point sets every searched hyperparameter");
                    continue;
                }

                if (hyperparameters.FirstOrDefault(h => h.Name == name) is { } h && ValueFor(h, valueNode, Join(p, name)) is { } value)
                {
                    values.Add(new(name, value));
                }
            }

            if (values.Count == names.Length && map.Children.Count == names.Length)
            {
                points.Add(HyperparameterSet.From(values));
            }
        }

        return points.Count == list.Children.Count ? SpecList<HyperparameterSet>.From(points) : null;
    }

    private long? GridSize(SpecList<HyperparameterSpec> hyperparameters, string path, YamlNode at, string what)
    {
        var missing = hyperparameters.Where(h => h.Grid.Count == 0).Select(h => "hyperparameters." + h.Name).ToList();
        var ok = missing.Count == 0;
        if (!ok)
        {
            Error(path, at, $"{what} needs a grid for every searched hyperparameter; {string.Join(", ", missing)} {(missing.Count == 1 ? "has" : "have")} none (add grid: COUNT or grid: [values])");
        }

        long size = 1;
        foreach (var h in hyperparameters)
        {
            size = Math.Min(size * Math.Max(1, h.Grid.Count), MaxGridSize + 1);
        }

        if (ok && size > MaxGridSize)
        {
            Error(path, at, string.Create(CultureInfo.InvariantCulture, $"{what}: the grid has more than {MaxGridSize} cells"));
            ok = false;
        }

        return ok ? size : null;
    }

    private long? Agree(long? derived, long? given, YamlNode? givenNode, string path, string what)
    {
        if (derived is not null && given is not null && derived != given)
        {
            Error(path, givenNode!, string.Create(CultureInfo.InvariantCulture, $"must equal {what} ({derived}); leave population out"), given.Value.ToString(CultureInfo.InvariantCulture));
            return null;
        }

        return derived;
    }

    private void OnlyFor(Dictionary<string, YamlNode> keys, string path, string key, bool allowed, string owner)
    {
        if (!allowed && keys.TryGetValue(key, out var node))
        {
            Error(Join(path, key), node, "only for " + owner);
        }
    }

    // ---- node-level readers: each reports its own error and returns null on failure ----

    private YamlMappingNode? Map(YamlNode node, string path)
    {
        if (node is YamlMappingNode map)
        {
            return map;
        }

        Error(path, node, "expected a mapping (key: value pairs)", Describe(node));
        return null;
    }

    private YamlSequenceNode? Seq(YamlNode node, string path, string expected = "a list")
    {
        if (node is YamlSequenceNode list)
        {
            return list;
        }

        Error(path, node, "expected " + expected, Describe(node));
        return null;
    }

    private string? KeyName(YamlNode keyNode, string path)
    {
        if (keyNode is YamlScalarNode { Value: { Length: > 0 } key })
        {
            return key;
        }

        Error(path, keyNode, "expected a plain key", Describe(keyNode));
        return null;
    }

    /// <summary>The mapping's entries by key; unknown keys are reported with a suggestion.</summary>
    private Dictionary<string, YamlNode> Keys(YamlMappingNode map, string path, IReadOnlyCollection<string> allowed, string what = "key")
    {
        var keys = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        foreach (var (keyNode, valueNode) in map.Children)
        {
            var key = KeyName(keyNode, path);
            if (key is null)
            {
                continue;
            }

            if (!allowed.Contains(key))
            {
                var expected = allowed.Count == 0 ? $"no {what}s are defined here" : $"expected one of {string.Join(", ", allowed)}";
                Error(Join(path, key), keyNode, $"unknown {what}{Suggest(key, allowed)}; {expected}", key);
                continue;
            }

            keys[key] = valueNode;
        }

        return keys;
    }

    private YamlNode? Required(Dictionary<string, YamlNode> keys, YamlNode parent, string path, string key)
    {
        if (keys.TryGetValue(key, out var node))
        {
            return node;
        }

        Error(Join(path, key), parent, "required key is missing");
        return null;
    }

    private string? Text(YamlNode node, string path)
    {
        if (node is YamlScalarNode scalar && !IsNull(scalar) && scalar.Value is { Length: > 0 } text)
        {
            return text;
        }

        Error(path, node, "expected a non-empty string", Describe(node));
        return null;
    }

    private string? Name(YamlNode node, string path)
    {
        var text = Text(node, path);
        if (text is not null && !NamePattern().IsMatch(text))
        {
            Error(path, node, "a name uses only lower-case letters, digits, '-', '_' and '.'", text);
            return null;
        }

        return text;
    }

    private long? Integer(YamlNode node, string path, Func<long, bool>? ok = null, string expected = "an integer")
    {
        if (node is YamlScalarNode { Style: ScalarStyle.Plain, Value: { } text } && !IsNull(node)
            && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            if (ok is null || ok(value))
            {
                return value;
            }
        }

        Error(path, node, "expected " + expected, Describe(node));
        return null;
    }

    private ulong? Seed(YamlNode node, string path)
    {
        if (node is YamlScalarNode { Style: ScalarStyle.Plain, Value: { } text }
            && ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        Error(path, node, "expected an integer in [0, 18446744073709551615]", Describe(node));
        return null;
    }

    private double? Number(YamlNode node, string path, Func<double, bool>? ok = null, string expected = "a number")
    {
        if (node is YamlScalarNode { Style: ScalarStyle.Plain, Value: { } text } && !IsNull(node)
            && TryNumber(text, out var value) && double.IsFinite(value))
        {
            if (ok is null || ok(value))
            {
                return value;
            }
        }

        Error(path, node, "expected " + expected, Describe(node));
        return null;
    }

    private bool? Bool(YamlNode node, string path)
    {
        if (node is YamlScalarNode { Style: ScalarStyle.Plain, Value: { } text })
        {
            if (string.Equals(text, "true", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }

            if (string.Equals(text, "false", StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }

        Error(path, node, "expected true or false", Describe(node));
        return null;
    }

    private T? Enum<T>(YamlNode node, string path, (string Name, T Value)[] options)
        where T : struct, System.Enum
    {
        var names = options.Select(o => o.Name).ToArray();
        if (node is YamlScalarNode { Value: { } text } && !IsNull(node))
        {
            foreach (var (name, value) in options)
            {
                if (string.Equals(name, text, StringComparison.Ordinal))
                {
                    return value;
                }
            }

            Error(path, node, $"expected one of {string.Join(", ", names)}{Suggest(text, names)}", text);
            return null;
        }

        Error(path, node, $"expected one of {string.Join(", ", names)}", Describe(node));
        return null;
    }

    private void Error(string path, YamlNode node, string message, string? value = null) =>
        _errors.Add(new SpecError(file, path, value, message, (int)node.Start.Line, (int)node.Start.Column));

    private static string Suggest(string word, IEnumerable<string> candidates) =>
        SpecLoader.Closest(word, candidates) is { } close ? $" (did you mean '{close}'?)" : "";

    private static bool TryNumber(string text, out double value) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);

    private static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain or ScalarStyle.Any, Value: null or "" or "~" or "null" or "Null" or "NULL" };

    private static string Describe(YamlNode node) => node switch
    {
        YamlScalarNode s when IsNull(s) => "nothing",
        YamlScalarNode s => s.Value ?? "",
        YamlSequenceNode => "a list",
        YamlMappingNode => "a mapping",
        _ => node.NodeType.ToString(),
    };

    private static string Join(string path, string key) => path.Length == 0 ? key : path + "." + key;

    private static string Index(string path, int index) => string.Create(CultureInfo.InvariantCulture, $"{path}[{index}]");

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static int ClampToInt(long value) => (int)Math.Min(value, int.MaxValue);

    [GeneratedRegex("^[a-z0-9._-]+$")]
    private static partial Regex NamePattern();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_.-]*$")]
    private static partial Regex HyperparameterName();
}
