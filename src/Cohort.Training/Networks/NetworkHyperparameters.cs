using Cohort.Core.Hyperparameters;
using Cohort.Core.Trainables;
using Cohort.Engine.Data;
using Cohort.Engine.Models;
using Cohort.Engine.Training;

namespace Cohort.Training.Networks;

/// <summary>
/// The hyperparameter names a network trainable understands, and how a <see cref="HyperparameterSet"/> maps onto the
/// engine's live <see cref="TrainingHyperparameters"/>. Names absent from the set keep the engine defaults.
/// Per-layer penalties: <c>l1_K</c> and <c>l2_K</c> (K = 0, 1, … counts the layers with weights in network order) set
/// layer K's own λ₁ and λ₂, as every Dense layer of paper 000's Keras code carries its own l1_l2 regulariser; a layer
/// without its own value uses <c>l1</c> / <c>l2</c>.
/// <para>
/// <c>optimizer</c> (categorical: adam, adamw, sgd) and <c>batch_size</c> (integer) may be hyperparameters too, and then
/// change between tasks like any other: a member that switches optimizer starts the new optimizer's state fresh
/// (<see cref="Trainer.SwitchOptimizer"/>); a step is one update on one mini-batch of the current size. When a run
/// does not list them, the settings <c>optimizer:</c> and <c>batch_size:</c> apply. The optimizer's own
/// hyperparameters are declared for the optimizers a member can take: <c>momentum</c> is accepted when some member can
/// train with sgd, <c>beta1</c>, <c>beta2</c> and <c>epsilon</c> when some member can train with adam or adamw; each
/// member reads those of its current optimizer and ignores the others.
/// </para>
/// </summary>
public static class NetworkHyperparameters
{
    public const string LearningRate = "learning_rate";
    public const string Momentum = "momentum";
    public const string Beta1 = "beta1";
    public const string Beta2 = "beta2";
    public const string Epsilon = "epsilon";
    public const string WeightDecay = "weight_decay";
    public const string L1 = "l1";
    public const string L2 = "l2";
    public const string Dropout = "dropout";
    public const string Optimizer = "optimizer";
    public const string BatchSize = "batch_size";

    /// <summary>The largest <c>batch_size</c> (as the setting allows).</summary>
    public const int MaxBatchSize = 1 << 20;

    /// <summary>The <c>optimizer</c> choices, as specs write them, and the engine's optimizers.</summary>
    public static IReadOnlyList<(string Name, OptimizerKind Kind)> Optimizers { get; } = [("adam", OptimizerKind.Adam), ("adamw", OptimizerKind.AdamW), ("sgd", OptimizerKind.Sgd)];

    /// <summary>Every name a network trainable reads: those of <see cref="ToTraining"/>, <c>optimizer</c> and <c>batch_size</c>.</summary>
    public static IReadOnlyList<string> Names { get; } = [LearningRate, Momentum, Beta1, Beta2, Epsilon, WeightDecay, L1, L2, Dropout, Optimizer, BatchSize];

    /// <summary>
    /// The declaration of a network of <paramref name="model"/> whose optimizer setting is <paramref name="optimizer"/>:
    /// the hyperparameters of <see cref="Declarations"/>, the <paramref name="metrics"/>, and why the other names
    /// a network knows are not accepted with these settings. <paramref name="switchable"/> false (the conv net, whose
    /// buffers follow its shape): <c>optimizer</c> and <c>batch_size</c> stay settings, and the optimizer's own
    /// hyperparameters are those of <paramref name="optimizer"/> alone.
    /// </summary>
    public static TrainableDeclaration Declare(
        ModelSpec model, OptimizerKind optimizer, IReadOnlyList<string> metrics, IEnumerable<HyperparameterDeclaration>? extra = null, bool switchable = true)
    {
        var declared = (extra ?? []).Concat(Declarations(model, optimizer, switchable)).ToArray();
        var unavailable = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in Names.Where(n => declared.All(d => d.Name != n)))
        {
            unavailable[name] = name switch
            {
                Momentum => "only with optimizer sgd",
                Dropout => "only when the model has dropout: set model.dropout: true",
                Optimizer or BatchSize => "a setting of this model kind, not a hyperparameter",
                _ => "only with optimizer adam or adamw",
            };
        }

        return new TrainableDeclaration("network", declared, metrics) { Unavailable = unavailable };
    }

    /// <summary>The optimizer a categorical <c>optimizer</c> value names, or null.</summary>
    public static OptimizerKind? ParseOptimizer(HyperValue value)
    {
        foreach (var (name, kind) in Optimizers)
        {
            if (string.Equals(name, value.Category, StringComparison.Ordinal))
            {
                return kind;
            }
        }

        return null;
    }

    /// <summary>The spec name of <paramref name="optimizer"/> (<c>adam</c>, <c>adamw</c>, <c>sgd</c>).</summary>
    public static string OptimizerName(OptimizerKind optimizer) => Optimizers.First(o => o.Kind == optimizer).Name;

    /// <summary>The metrics a network reports: <c>loss</c> and <c>accuracy</c> (classification) or <c>loss</c>, <c>mse</c> and <c>rmse</c> (regression).</summary>
    public static IReadOnlyList<string> Metrics(TaskKind task) => task == TaskKind.Classification ? ["loss", "accuracy"] : ["loss", "mse", "rmse"];

    // The engine computes in single precision: a larger value would become infinite there, so it is out of range here.
    private static readonly ValueRange s_nonNegative = ValueRange.Closed(0, float.MaxValue);
    private static readonly ValueRange s_positive = new(0, float.MaxValue, MinimumInclusive: false);

    // Shared lists, so that two declarations of the same settings are equal records.
    private static readonly string[] s_optimizerNames = ["adam", "adamw", "sgd"];
    private static readonly string[] s_sgd = ["sgd"];
    private static readonly string[] s_adam = ["adam", "adamw"];

    /// <summary>
    /// The training hyperparameters a network of <paramref name="model"/> with optimizer setting
    /// <paramref name="optimizer"/> really uses (the engine's checks as ranges): <c>learning_rate</c>; with
    /// <paramref name="switchable"/>, <c>optimizer</c> and <c>batch_size</c>; <c>momentum</c> for SGD; <c>beta1</c>,
    /// <c>beta2</c>, <c>epsilon</c> for Adam and AdamW (with <paramref name="switchable"/>, declared for every optimizer
    /// and read only while a member's optimizer is one of theirs: <see cref="HyperparameterDeclaration.ReadWhen"/>);
    /// <c>weight_decay</c>; <c>l1</c>, <c>l2</c> and per layer <c>l1_K</c>, <c>l2_K</c> for each of the model's layers
    /// with weights; <c>dropout</c> only when the model has dropout.
    /// </summary>
    public static IReadOnlyList<HyperparameterDeclaration> Declarations(ModelSpec model, OptimizerKind optimizer, bool switchable = true)
    {
        ArgumentNullException.ThrowIfNull(model);
        var d = new TrainingHyperparameters();
        var setting = OptimizerName(optimizer);
        var list = new List<HyperparameterDeclaration>
        {
            HyperparameterDeclaration.Real(LearningRate, s_nonNegative, $"step size α (default {d.LearningRate})"),
        };
        if (switchable)
        {
            list.Add(HyperparameterDeclaration.Categorical(
                Optimizer, s_optimizerNames, $"the optimizer (default: the setting, here {setting}); a switch starts the new optimizer's state fresh"));
            list.Add(HyperparameterDeclaration.Whole(
                BatchSize, ValueRange.Closed(1, MaxBatchSize), "samples per training step (default: the setting batch_size)"));
        }

        var sgd = new HyperparameterCondition(Optimizer, s_sgd, setting);
        var adam = new HyperparameterCondition(Optimizer, s_adam, setting);
        if (switchable || optimizer == OptimizerKind.Sgd)
        {
            list.Add(HyperparameterDeclaration.Real(Momentum, ValueRange.HalfOpen(0, 1), "SGD momentum μ (default 0)") with { ReadWhen = switchable ? sgd : null });
        }

        if (switchable || optimizer != OptimizerKind.Sgd)
        {
            list.Add(HyperparameterDeclaration.Real(Beta1, ValueRange.HalfOpen(0, 1), $"Adam β₁ (default {d.Beta1})") with { ReadWhen = switchable ? adam : null });
            list.Add(HyperparameterDeclaration.Real(Beta2, ValueRange.HalfOpen(0, 1), $"Adam β₂ (default {d.Beta2})") with { ReadWhen = switchable ? adam : null });
            list.Add(HyperparameterDeclaration.Real(Epsilon, s_positive, $"Adam ε (default {d.Epsilon})") with { ReadWhen = switchable ? adam : null });
        }

        list.Add(HyperparameterDeclaration.Real(WeightDecay, s_nonNegative, "weight decay λ (default 0): added to the gradient for sgd and adam, decoupled for adamw"));
        list.Add(HyperparameterDeclaration.Real(L1, s_nonNegative, "λ₁ of every layer's weights (default 0)"));
        list.Add(HyperparameterDeclaration.Real(L2, s_nonNegative, "λ₂ of every layer's weights (default 0)"));
        var layers = model.Layers.Count(l => l is DenseSpec or Conv2dSpec);
        for (var k = 0; k < layers; k++)
        {
            list.Add(HyperparameterDeclaration.Real(LayerName(L1, k), s_nonNegative, $"λ₁ of layer {k}'s weights (default l1)"));
            list.Add(HyperparameterDeclaration.Real(LayerName(L2, k), s_nonNegative, $"λ₂ of layer {k}'s weights (default l2)"));
        }

        if (model.Layers.Any(l => l is DropoutSpec))
        {
            list.Add(HyperparameterDeclaration.Real(Dropout, ValueRange.HalfOpen(0, 1), "drop probability of every dropout layer (default 0)"));
        }

        return list;
    }

    /// <summary>
    /// The engine's hyperparameters for <paramref name="h"/> (<c>optimizer</c> and <c>batch_size</c> are read by the
    /// trainable, not here); throws naming an unknown name.
    /// </summary>
    public static TrainingHyperparameters ToTraining(HyperparameterSet h)
    {
        ArgumentNullException.ThrowIfNull(h);
        var layerCount = 0;
        foreach (var name in h.Keys)
        {
            if (name is Optimizer or BatchSize)
            {
                continue;
            }

            if (TryLayerName(name, out _, out var layer))
            {
                layerCount = Math.Max(layerCount, layer + 1);
            }
            else if (!Names.Contains(name, StringComparer.Ordinal))
            {
                throw new ArgumentException(
                    $"A network trainable has no hyperparameter '{name}'; known: {string.Join(", ", Names)}, and l1_K / l2_K for layer K.", nameof(h));
            }
        }

        var d = new TrainingHyperparameters();
        var l1 = Get(L1, d.L1);
        var l2 = Get(L2, d.L2);
        LayerPenalty[]? layers = null;
        if (layerCount > 0)
        {
            layers = new LayerPenalty[layerCount];
            for (var k = 0; k < layerCount; k++)
            {
                layers[k] = new LayerPenalty(
                    Get(LayerName(L1, k), l1),
                    Get(LayerName(L2, k), l2));
            }
        }

        return d with
        {
            LayerPenalties = layers,
            LearningRate = Get(LearningRate, d.LearningRate),
            Momentum = Get(Momentum, d.Momentum),
            Beta1 = Get(Beta1, d.Beta1),
            Beta2 = Get(Beta2, d.Beta2),
            Epsilon = Get(Epsilon, d.Epsilon),
            WeightDecay = Get(WeightDecay, d.WeightDecay),
            L1 = l1,
            L2 = l2,
            Dropout = Get(Dropout, d.Dropout),
        };

        float Get(string name, float fallback) => h.ContainsKey(name) ? (float)h.GetNumber(name) : fallback;
    }

    /// <summary>The per-layer name: <c>l1_0</c>, <c>l2_1</c>, …</summary>
    public static string LayerName(string penalty, int layer) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{penalty}_{layer}");

    /// <summary>Whether <paramref name="name"/> is a per-layer penalty name (<c>l1_K</c> or <c>l2_K</c>, K a decimal index).</summary>
    public static bool TryLayerName(string name, out string penalty, out int layer)
    {
        ArgumentNullException.ThrowIfNull(name);
        penalty = string.Empty;
        layer = -1;
        if (name.Length < 4 || !(name.StartsWith("l1_", StringComparison.Ordinal) || name.StartsWith("l2_", StringComparison.Ordinal)))
        {
            return false;
        }

        var digits = name.AsSpan(3);
        foreach (var c in digits)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }

        if (digits.Length > 3 || (digits.Length > 1 && digits[0] == '0'))
        {
            return false;
        }

        penalty = name[..2];
        layer = int.Parse(digits, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture);
        return true;
    }
}
