using Cohort.Core.Hyperparameters;
using Cohort.Core.Randomness;
using Cohort.Core.Trainables;
using Cohort.Training.Networks;
using Cohort.Training.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace Cohort.TorchSharp.Translation;

/// <summary>
/// A <see cref="Seq2Seq"/> translation model as a PBT member (paper 002 sec. 4.3). A step is one mini-batch of sentence
/// pairs trained with teacher forcing (the decoder reads the reference's previous word) on the mean token
/// cross-entropy. Each <see cref="Train"/> starts a fresh shuffled pass over the training pairs from its seed and
/// reseeds the member's generator (dropout masks), so a task is pure.
/// <para>
/// <see cref="Evaluate"/> reports <c>bleu</c> (corpus BLEU-4 of greedy decodings against the reference,
/// <see cref="Bleu"/>), <c>exact</c> (the share of sentences decoded exactly) and <c>loss</c> (teacher-forced token
/// cross-entropy), with dropout off; it does not change the state. Checkpoints are the state dict, Adam's state and the
/// step (<c>TorchCheckpoint</c>), so copies and loads are exact.
/// </para>
/// </summary>
internal sealed class Seq2SeqTrainable : ITrainable, IWeightTransfer
{
    private const ulong GeneratorPurpose = 0x4E4D54UL; // "NMT"
    private const int EvaluationBatch = 250;

    // Held for the process, as Seq2Seq's: an implicitly converted Scalar can be finalised during the native call.
    private static readonly Scalar s_bos = Vocabulary.Bos;
    private static readonly Scalar s_pad = Vocabulary.Pad;

    private readonly Seq2SeqTrainableFactory _factory;
    private readonly torch.Generator _generator;
    private readonly Seq2Seq _model;
    private readonly LiveOptimizer _optimizer;
    private readonly TorchMember _member;

    internal Seq2SeqTrainable(Seq2SeqTrainableFactory factory, ulong seed)
    {
        _factory = factory;
        _generator = new torch.Generator(seed);
        _model = new Seq2Seq(factory.Shape, _generator);
        _model.train();
        _optimizer = new LiveOptimizer("optimizer", LiveOptimizer.Create(factory.Options.Optimizer, _model.parameters()));
        _member = new TorchMember(
            new TorchState(factory.Shape.Describe(), _model, [(_optimizer.Name, _optimizer.Optimizer)]),
            _optimizer.Names.Append(NetworkHyperparameters.Dropout));
    }

    /// <inheritdoc />
    public long Step => _member.Step;

    /// <summary>The model (for tests; do not replace its tensors).</summary>
    public Seq2Seq Model => _model;

    /// <inheritdoc />
    public void Apply(HyperparameterSet hyperparameters)
    {
        _member.CheckNames(hyperparameters);
        _optimizer.Apply(hyperparameters);
        var dropout = hyperparameters.GetNumber(NetworkHyperparameters.Dropout, 0);
        if (!(dropout is >= 0 and < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(hyperparameters), dropout, "Hyperparameter 'dropout' lies in [0, 1).");
        }

        _model.Dropout.P = dropout;
    }

    /// <inheritdoc />
    public void Train(int steps, ulong seed, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(steps);
        TorchThreads.Use(_factory.Options.Threads);
        _generator.manual_seed(unchecked((long)(seed ^ GeneratorPurpose)));
        _model.train();
        var pairs = _factory.Corpus.Train;
        var order = new int[pairs.Count];
        var next = order.Length;
        var rng = new Rng(Seeds.Derive(seed, GeneratorPurpose));
        var batch = new SentencePair[Math.Min(_factory.Options.BatchSize, pairs.Count)];
        for (var i = 0; i < steps; i++)
        {
            if ((i & 7) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            for (var b = 0; b < batch.Length; b++)
            {
                if (next == order.Length)
                {
                    for (var k = 0; k < order.Length; k++)
                    {
                        order[k] = k;
                    }

                    rng.Shuffle(order.AsSpan());
                    next = 0;
                }

                batch[b] = pairs[order[next++]];
            }

            using var scope = NewDisposeScope();
            var loss = Loss(batch);
            _optimizer.Optimizer.zero_grad();
            loss.backward();
            _optimizer.Optimizer.step();
            _member.Step++;
        }
    }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, double> Evaluate(DataSplit split)
    {
        TorchThreads.Use(_factory.Options.Threads);
        var pairs = _factory.Corpus.Of(split);
        var cap = split == DataSplit.Validation && _factory.Options.EvalSamples > 0 ? _factory.Options.EvalSamples : pairs.Count;
        var n = Math.Min(cap, pairs.Count);
        if (n == 0)
        {
            return new Dictionary<string, double>(StringComparer.Ordinal);
        }

        _model.eval();
        try
        {
            using var _ = no_grad();
            double lossSum = 0;
            long tokens = 0;
            var hypotheses = new List<IReadOnlyList<string>>(n);
            for (var start = 0; start < n; start += EvaluationBatch)
            {
                using var scope = NewDisposeScope();
                var batch = Enumerable.Range(start, Math.Min(EvaluationBatch, n - start)).Select(i => pairs[i]).ToArray();
                var count = batch.Sum(p => p.Target.Length + 1);
                lossSum += Loss(batch).item<float>() * count;
                tokens += count;
                hypotheses.AddRange(Translate(batch.Select(p => p.Source).ToArray()));
            }

            var references = pairs.Take(n).Select(p => (IReadOnlyList<IReadOnlyList<string>>)[p.Target]).ToArray();
            var exact = hypotheses.Zip(pairs).Count(x => x.First.SequenceEqual(x.Second.Target, StringComparer.Ordinal));
            return new Dictionary<string, double>(StringComparer.Ordinal)
            {
                [Seq2SeqTrainableFactory.ScoreMetric] = Bleu.Corpus(references, hypotheses),
                ["exact"] = (double)exact / n,
                ["loss"] = lossSum / tokens,
            };
        }
        finally
        {
            _model.train();
        }
    }

    /// <summary>
    /// Greedy decoding: from &lt;s&gt;, feed the most probable word back in until every sentence has ended (&lt;/s&gt;)
    /// or has <see cref="TranslationCorpus.MaxTargetLength"/> + 5 words. Uses the model as it is (call in evaluation mode).
    /// </summary>
    public IReadOnlyList<string>[] Translate(IReadOnlyList<string[]> sources)
    {
        ArgumentNullException.ThrowIfNull(sources);
        using var scope = NewDisposeScope();
        var (source, padding) = SourceBatch(sources);
        var (encoded, state) = _model.Encode(source);
        var words = new List<string>[sources.Count];
        var done = new bool[sources.Count];
        for (var b = 0; b < words.Length; b++)
        {
            words[b] = [];
        }

        var input = full([sources.Count, 1], s_bos, ScalarType.Int64);
        var limit = _factory.Corpus.MaxTargetLength + 5;
        for (var t = 0; t < limit && !done.All(d => d); t++)
        {
            var (logits, last) = _model.Decode(input, state, encoded, padding);
            state = last;
            input = logits.argmax(-1);
            var ids = input.data<long>().ToArray();
            for (var b = 0; b < ids.Length; b++)
            {
                if (done[b])
                {
                    continue;
                }

                if (ids[b] == Vocabulary.Eos)
                {
                    done[b] = true;
                }
                else
                {
                    words[b].Add(_factory.Corpus.Target.Word((int)ids[b]));
                }
            }
        }

        return words;
    }

    /// <inheritdoc />
    public void Save(Stream destination) => _member.Save(destination);

    /// <inheritdoc />
    public void Load(Stream source) => _member.Load(source);

    /// <inheritdoc />
    public void CopyFrom(ITrainable other) => _member.CopyFrom(Same(other)._member, weightsOnly: false);

    /// <inheritdoc />
    public void CopyWeightsFrom(ITrainable other) => _member.CopyFrom(Same(other)._member, weightsOnly: true);

    /// <inheritdoc />
    public void LoadWeights(Stream source) => _member.LoadWeights(source);

    /// <inheritdoc />
    public void Dispose()
    {
        _optimizer.Optimizer.Dispose();
        _model.Dispose();
        _generator.Dispose();
    }

    /// <summary>Mean token cross-entropy of <paramref name="batch"/> under teacher forcing (&lt;/s&gt; included; padding ignored).</summary>
    private Tensor Loss(SentencePair[] batch)
    {
        var (source, padding) = SourceBatch(batch.Select(p => p.Source).ToArray());
        var length = batch.Max(p => p.Target.Length) + 1;
        var input = new long[batch.Length * length];
        var output = new long[batch.Length * length];
        var vocabulary = _factory.Corpus.Target;
        for (var b = 0; b < batch.Length; b++)
        {
            var target = batch[b].Target;
            input[b * length] = Vocabulary.Bos;
            for (var t = 0; t < target.Length; t++)
            {
                var id = vocabulary.Id(target[t]);
                input[(b * length) + t + 1] = id;
                output[(b * length) + t] = id;
            }

            output[(b * length) + target.Length] = Vocabulary.Eos;
        }

        var (encoded, state) = _model.Encode(source);
        var (logits, _) = _model.Decode(tensor(input, [batch.Length, length]), state, encoded, padding);
        return nn.functional.cross_entropy(logits.reshape(-1, logits.shape[^1]), tensor(output), ignore_index: Vocabulary.Pad);
    }

    /// <summary>Left-padded source ids [B, S] and the padding mask [B, S].</summary>
    private (Tensor Source, Tensor Padding) SourceBatch(IReadOnlyList<string[]> sources)
    {
        var length = sources.Max(s => s.Length);
        var ids = new long[sources.Count * length];
        for (var b = 0; b < sources.Count; b++)
        {
            var s = sources[b];
            var offset = (b * length) + length - s.Length;
            for (var t = 0; t < s.Length; t++)
            {
                ids[offset + t] = _factory.Corpus.Source.Id(s[t]);
            }
        }

        var source = tensor(ids, [sources.Count, length]);
        return (source, source.eq(s_pad));
    }

    private Seq2SeqTrainable Same(ITrainable other) =>
        other is Seq2SeqTrainable s && s._factory.Shape == _factory.Shape
            ? s
            : throw new ArgumentException($"Cannot copy a {other?.GetType().Name ?? "null"} into a {_factory.Shape.Describe()}.", nameof(other));
}
