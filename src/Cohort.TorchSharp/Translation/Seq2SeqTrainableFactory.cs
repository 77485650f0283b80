using Cohort.Core.Trainables;

namespace Cohort.TorchSharp.Translation;

/// <summary>How the members of a translation run are built.</summary>
/// <param name="Embedding">Word-embedding width (paper 002: 100).</param>
/// <param name="Units">GRU state width (paper 002: 96).</param>
/// <param name="BatchSize">Sentence pairs per step.</param>
/// <param name="Optimizer">The optimizer (paper 002: Adam).</param>
/// <param name="EvalSamples">Validation pairs decoded per evaluation; 0 = all (test evaluations decode all).</param>
/// <param name="Threads">LibTorch intra-op threads per member (<see cref="TorchThreads"/>).</param>
internal sealed record Seq2SeqOptions(int Embedding = 32, int Units = 64, int BatchSize = 32, TorchOptimizerKind Optimizer = TorchOptimizerKind.Adam, int EvalSamples = 0, int Threads = 1);

/// <summary>
/// Builds <see cref="Seq2SeqTrainable"/>s over a <see cref="TranslationCorpus"/>. Hyperparameters: the optimizer's
/// (<see cref="TorchHyperparameters.Translation"/>) and <c>dropout</c>. Metrics: <c>bleu</c> (the objective), <c>exact</c>,
/// <c>loss</c>.
/// </summary>
internal sealed class Seq2SeqTrainableFactory : ITrainableFactory
{
    /// <summary>The objective metric: corpus BLEU-4 of greedy translations.</summary>
    public const string ScoreMetric = "bleu";

    public Seq2SeqTrainableFactory(Seq2SeqOptions options, TranslationCorpus corpus)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(corpus);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Embedding, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Units, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.BatchSize, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(options.EvalSamples);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Threads, 1);
        TorchRuntime.EnsureAvailable();
        Options = options;
        Corpus = corpus;
        Shape = new Seq2SeqShape(corpus.Source.Count, corpus.Target.Count, options.Embedding, options.Units);
        Declaration = TorchHyperparameters.Translation(Shape.Describe(), options.Optimizer);
    }

    public Seq2SeqOptions Options { get; }

    public TranslationCorpus Corpus { get; }

    public Seq2SeqShape Shape { get; }

    /// <inheritdoc />
    public IReadOnlyList<string> Metrics => Declaration.Metrics;

    /// <inheritdoc />
    public TrainableDeclaration Declaration { get; }

    /// <inheritdoc />
    public bool HasTestSet => Corpus.Test.Count > 0;

    /// <inheritdoc />
    public int ThreadsPerTrainable => Options.Threads;

    /// <inheritdoc />
    public ITrainable Create(ulong seed) => new Seq2SeqTrainable(this, seed);
}
