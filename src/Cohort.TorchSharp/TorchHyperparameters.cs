using Cohort.Core.Trainables;
using static System.FormattableString;
using Cohort.Engine.Data;
using Cohort.Training.Networks;
using Cohort.TorchSharp.Gan;
using Cohort.TorchSharp.Translation;

namespace Cohort.TorchSharp;

/// <summary>
/// What Cohort's TorchSharp trainables accept and report (<see cref="TrainableDeclaration"/>), from their settings
/// alone: the <c>torch</c> spec kind validates a spec with it before LibTorch is loaded, and the factories declare the
/// same. The names and ranges are those <see cref="TorchTrainable.Apply"/> and <see cref="GanTrainable.Apply"/>
/// check.
/// </summary>
public static class TorchHyperparameters
{
    /// <summary>
    /// A supervised model trained with <paramref name="optimizer"/> (<see cref="TorchTrainable"/>): <c>learning_rate</c>;
    /// <c>momentum</c> (SGD); <c>beta1</c>, <c>beta2</c>, <c>epsilon</c> (Adam, AdamW); <c>weight_decay</c>; <c>l1</c>,
    /// <c>l2</c> and <c>l1_K</c>, <c>l2_K</c> for each of the <paramref name="weightLayers"/> layers with weights;
    /// <c>dropout</c> when the model has dropout layers; then <paramref name="extra"/> (a module's own settings).
    /// Metrics of <paramref name="task"/>.
    /// </summary>
    public static TrainableDeclaration Supervised(
        string trainable, TorchOptimizerKind optimizer, int weightLayers, bool dropout, TaskKind task, IEnumerable<string>? extra = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(trainable);
        ArgumentOutOfRangeException.ThrowIfNegative(weightLayers);
        var list = new List<HyperparameterDeclaration>(Optimizer(optimizer, ""))
        {
            HyperparameterDeclaration.Real(NetworkHyperparameters.L1, ValueRange.AtLeast(0), "λ₁ of every layer's weights (default 0)"),
            HyperparameterDeclaration.Real(NetworkHyperparameters.L2, ValueRange.AtLeast(0), "λ₂ of every layer's weights (default 0)"),
        };
        for (var k = 0; k < weightLayers; k++)
        {
            list.Add(HyperparameterDeclaration.Real(NetworkHyperparameters.LayerName(NetworkHyperparameters.L1, k), ValueRange.AtLeast(0), $"λ₁ of layer {k}'s weights (default l1)"));
            list.Add(HyperparameterDeclaration.Real(NetworkHyperparameters.LayerName(NetworkHyperparameters.L2, k), ValueRange.AtLeast(0), $"λ₂ of layer {k}'s weights (default l2)"));
        }

        if (dropout)
        {
            list.Add(HyperparameterDeclaration.Real(NetworkHyperparameters.Dropout, ValueRange.HalfOpen(0, 1), "drop probability of every dropout layer (default 0)"));
        }

        list.AddRange((extra ?? []).Select(name => HyperparameterDeclaration.Real(name, ValueRange.All, "a module setting")));
        var unavailable = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in NetworkHyperparameters.Names.Where(n => list.All(d => d.Name != n)))
        {
            unavailable[name] = name switch
            {
                NetworkHyperparameters.Momentum => "only with optimizer sgd",
                NetworkHyperparameters.Dropout => "only when the model has dropout: set dropout: true",
                _ => "only with optimizer adam or adamw",
            };
        }

        return new TrainableDeclaration(trainable, list, NetworkHyperparameters.Metrics(task)) { Unavailable = unavailable };
    }

    /// <summary>
    /// Paper 002's GAN (<see cref="Gan.GanTrainable"/>): Adam's options for each network, suffixed <c>_g</c> (generator)
    /// and <c>_d</c> (discriminator): <c>learning_rate</c>, <c>beta1</c>, <c>beta2</c>, <c>epsilon</c>,
    /// <c>weight_decay</c>. Metrics <c>inception_score</c>, <c>d_loss</c>, <c>g_loss</c>.
    /// </summary>
    public static TrainableDeclaration Gan(string trainable) =>
        new(
            trainable,
            [.. Optimizer(TorchOptimizerKind.Adam, "_g", "generator's", 2e-4, 0.5), .. Optimizer(TorchOptimizerKind.Adam, "_d", "discriminator's", 2e-4, 0.5)],
            [GanTrainableFactory.ScoreMetric, "d_loss", "g_loss"]);

    /// <summary>
    /// Paper 002's translation model (<see cref="Seq2SeqTrainable"/>): the options of
    /// <paramref name="optimizer"/> (as <see cref="Supervised"/>) and <c>dropout</c>. Metrics <c>bleu</c> (corpus BLEU-4
    /// of greedy translations, in [0, 1]), <c>exact</c> (share of sentences translated exactly) and <c>loss</c>.
    /// </summary>
    internal static TrainableDeclaration Translation(string trainable, TorchOptimizerKind optimizer) =>
        new(
            trainable,
            [
                .. Optimizer(optimizer, ""),
                HyperparameterDeclaration.Real(NetworkHyperparameters.Dropout, ValueRange.HalfOpen(0, 1), "drop probability of the embeddings and the attention layer (default 0)"),
            ],
            [Seq2SeqTrainableFactory.ScoreMetric, "exact", "loss"]);

    /// <summary>The options of <paramref name="kind"/> that <see cref="LiveOptimizer"/> maps, each name + <paramref name="suffix"/>.</summary>
    private static IEnumerable<HyperparameterDeclaration> Optimizer(
        TorchOptimizerKind kind, string suffix, string whose = "", double learningRate = 1e-3, double beta1 = 0.9)
    {
        var of = whose.Length > 0 ? whose + " " : "";
        yield return HyperparameterDeclaration.Real(NetworkHyperparameters.LearningRate + suffix, ValueRange.AtLeast(0), Invariant($"{of}learning rate (default {learningRate:G})"));
        if (kind == TorchOptimizerKind.Sgd)
        {
            yield return HyperparameterDeclaration.Real(NetworkHyperparameters.Momentum + suffix, ValueRange.AtLeast(0), $"{of}SGD momentum (default 0)");
        }
        else
        {
            yield return HyperparameterDeclaration.Real(NetworkHyperparameters.Beta1 + suffix, ValueRange.HalfOpen(0, 1), Invariant($"{of}Adam β₁ (default {beta1:G})"));
            yield return HyperparameterDeclaration.Real(NetworkHyperparameters.Beta2 + suffix, ValueRange.HalfOpen(0, 1), $"{of}Adam β₂ (default 0.999)");
            yield return HyperparameterDeclaration.Real(NetworkHyperparameters.Epsilon + suffix, ValueRange.AtLeast(0), $"{of}Adam ε (default 1e-8)");
        }

        yield return HyperparameterDeclaration.Real(
            NetworkHyperparameters.WeightDecay + suffix,
            ValueRange.AtLeast(0),
            kind == TorchOptimizerKind.AdamW ? $"{of}decoupled weight decay (default 0)" : $"{of}weight decay added to the gradient (default 0)");
    }
}
