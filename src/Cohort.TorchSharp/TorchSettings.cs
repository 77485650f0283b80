using Cohort.Engine.Models;
using Cohort.Spec;
using Cohort.TorchSharp.Gan;

namespace Cohort.TorchSharp;

/// <summary>The built-in models of the <c>torch</c> spec kind.</summary>
public enum TorchModelKind
{
    /// <summary>A multi-layer perceptron (<see cref="Models.TorchModels.Mlp"/>), hidden widths from the spec (default [64]).</summary>
    Mlp,

    /// <summary>Paper 003's fully connected net: an MLP with hidden [1024, 1024] unless the spec says otherwise.</summary>
    Fc,

    /// <summary>LeNet-5 on 1×28×28 images (<see cref="Models.TorchModels.LeNet5"/>).</summary>
    Lenet5,

    /// <summary>Paper 002's GAN (<see cref="Dcgan"/>), scored by an Inception-Score analogue.</summary>
    Dcgan,

    /// <summary>Paper 002's translation model: a GRU encoder-decoder with dot-product attention, scored by BLEU-4.</summary>
    Seq2Seq,
}

/// <summary>A <c>torch</c> trainable's settings (<see cref="TorchSection"/>).</summary>
/// <param name="Model">The built-in model.</param>
/// <param name="Dataset">One of the known datasets (those of the engine's <c>network</c> kind; seq2seq: the generated <c>numbers-en-fr</c>).</param>
/// <param name="BatchSize">Mini-batch size (default 32; dcgan 64, paper 002).</param>
/// <param name="Threads">LibTorch intra-op threads per member (<see cref="TorchThreads"/>; default 1).</param>
/// <param name="ValidationFraction">Share of the training data held out for validation, in (0, 1); default 0.2.</param>
/// <param name="TestFraction">Share held out for test when the dataset has no canonical test split, in [0, 1); default 0.2.</param>
public sealed record TorchSettings(
    TorchModelKind Model,
    string Dataset,
    int BatchSize,
    int Threads,
    double ValidationFraction,
    double TestFraction) : ITrainableSettings
{
    /// <summary>mlp, fc, lenet5, seq2seq: the optimizer (default Adam).</summary>
    public TorchOptimizerKind Optimizer { get; init; } = TorchOptimizerKind.Adam;

    /// <summary>mlp, fc: hidden layer widths (defaults [64] and [1024, 1024]); empty for lenet5 and dcgan.</summary>
    public SpecList<int> Hidden { get; init; } = SpecList<int>.Empty;

    /// <summary>mlp, fc: the hidden layers' activation (default ReLU).</summary>
    public ActivationKind Activation { get; init; } = ActivationKind.Relu;

    /// <summary>mlp, fc, lenet5: a dropout layer after each hidden activation (the <c>dropout</c> hyperparameter).</summary>
    public bool Dropout { get; init; }

    /// <summary>mlp, fc, lenet5, seq2seq: cap on validation samples (seq2seq: sentence pairs decoded) per evaluation; 0 = all.</summary>
    public int EvalSamples { get; init; }

    /// <summary>mlp, fc on a regression dataset: train on standardised targets (<c>mse</c>, <c>rmse</c> stay in the target's units).</summary>
    public bool StandardizeTargets { get; init; }

    /// <summary>seq2seq: the word-embedding width (default 32; paper 002: 100).</summary>
    public int Embedding { get; init; } = 32;

    /// <summary>seq2seq: the GRU state width of the encoder and decoder (default 64; paper 002: 96).</summary>
    public int Units { get; init; } = 64;

    /// <summary>dcgan: the networks' shape (width, latent size; channels and size follow the dataset).</summary>
    public int Width { get; init; } = 64;

    /// <summary>dcgan: the length of the noise vector z.</summary>
    public int Latent { get; init; } = 100;

    /// <summary>dcgan: generated images per score.</summary>
    public int ScoreSamples { get; init; } = 1000;

    /// <summary>dcgan: epochs of the score's classifier (trained once per dataset and recipe, then cached).</summary>
    public int ClassifierEpochs { get; init; } = new ClassifierRecipe().Epochs;
}
