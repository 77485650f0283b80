using Cohort.Core.Hyperparameters;
using Cohort.Core.Trainables;
using Cohort.TorchSharp.Translation;
using Cohort.Training.Text;

namespace Cohort.TorchSharp.Tests.Translation;

/// <summary>The translation member: it learns, its metrics are BLEU of its own decodings, and its checkpoints are exact.</summary>
public sealed class Seq2SeqTrainableTests
{
    /// <summary>A small corpus: 64 training pairs, 16 validation, 16 test.</summary>
    private static readonly Lazy<TranslationCorpus> s_corpus = new(() =>
    {
        var pairs = NumberCorpus.Draw(11, 96)
            .Select(n => new SentencePair(NumberCorpus.Tokenize(NumberCorpus.English(n)), NumberCorpus.Tokenize(NumberCorpus.French(n))))
            .ToArray();
        return new TranslationCorpus("numbers-small", pairs[32..], pairs[..16], pairs[16..32]);
    });

    private static Seq2SeqTrainableFactory Factory(int units = 16) =>
        new(new Seq2SeqOptions(Embedding: 16, Units: units, BatchSize: 16), s_corpus.Value);

    private static HyperparameterSet Set(double learningRate, double dropout) =>
        HyperparameterSet.Empty.With("learning_rate", learningRate).With("dropout", dropout);

    [Fact]
    public void Should_LearnToTranslate_When_TrainedOnAFewPairs()
    {
        // Given a member at learning rate 0.01
        using var member = Factory(units: 32).Create(1);
        member.Apply(Set(0.01, 0));
        var before = member.Evaluate(DataSplit.Train);

        // When it trains 150 steps of 16 pairs on the 64 training pairs
        member.Train(150, 2, CancellationToken.None);
        var after = member.Evaluate(DataSplit.Train);

        // Then its loss falls and its greedy translations of the training pairs are mostly right
        Assert.Equal(150, member.Step);
        Assert.True(after["loss"] < before["loss"] / 4, $"loss {before["loss"]} -> {after["loss"]}");
        Assert.True(after["bleu"] > 0.9, $"bleu {after["bleu"]}");
        Assert.True(before["bleu"] < 0.1, $"bleu before training {before["bleu"]}");
    }

    [Fact]
    public void Evaluate_Should_ReportTheBleuOfItsOwnDecodings_When_Evaluating()
    {
        // Given a member trained a few steps
        var factory = Factory();
        using var member = factory.Create(3);
        member.Apply(Set(0.01, 0.2));
        member.Train(20, 4, CancellationToken.None);
        var model = Assert.IsType<Seq2SeqTrainable>(member);

        // When it evaluates the validation split, and its decodings are scored here
        var metrics = member.Evaluate(DataSplit.Validation);
        var pairs = factory.Corpus.Validation;
        model.Model.eval();
        var decoded = model.Translate(pairs.Select(p => p.Source).ToArray());
        model.Model.train();

        // Then bleu is corpus BLEU-4 of those decodings and exact the share decoded exactly
        var expected = Bleu.Corpus(pairs.Select(p => (IReadOnlyList<IReadOnlyList<string>>)[p.Target]).ToArray(), decoded);
        Assert.Equal(expected, metrics["bleu"], 12);
        Assert.Equal(decoded.Zip(pairs).Count(x => x.First.SequenceEqual(x.Second.Target)) / (double)pairs.Count, metrics["exact"], 12);
        Assert.True(double.IsFinite(metrics["loss"]) && metrics["loss"] > 0);

        // And evaluating changed nothing
        var bytes = Checkpoints.Bytes(member);
        member.Evaluate(DataSplit.Test);
        Assert.Equal(bytes, Checkpoints.Bytes(member));
    }

    [Fact]
    public void Should_ResumeExactly_When_LoadedOrCopiedFromACheckpoint()
    {
        // Given a member trained 10 steps, its checkpoint, and members restored from it by load and by copy
        var factory = Factory();
        using var a = factory.Create(5);
        a.Apply(Set(0.005, 0.3));
        a.Train(10, 6, CancellationToken.None);
        var checkpoint = Checkpoints.Bytes(a);
        using var loaded = factory.Create(99);
        Checkpoints.Load(loaded, checkpoint);
        using var copied = factory.Create(98);
        copied.CopyFrom(a);

        // Then both save the same bytes and step
        Assert.Equal(checkpoint, Checkpoints.Bytes(loaded));
        Assert.Equal(checkpoint, Checkpoints.Bytes(copied));
        Assert.Equal(10, loaded.Step);

        // When all three train the same task (dropout on)
        foreach (var m in new[] { a, loaded, copied })
        {
            m.Apply(Set(0.005, 0.3));
            m.Train(5, 7, CancellationToken.None);
        }

        // Then they end in the same bytes, different from the checkpoint (Adam's state and dropout masks included)
        var end = Checkpoints.Bytes(a);
        Assert.Equal(end, Checkpoints.Bytes(loaded));
        Assert.Equal(end, Checkpoints.Bytes(copied));
        Assert.NotEqual(checkpoint, end);
    }

    [Fact]
    public void Should_ApplyLiveHyperparameters_When_Applied()
    {
        // Given a member
        using var member = Factory().Create(1);
        var model = Assert.IsType<Seq2SeqTrainable>(member);

        // When learning rate and dropout are applied
        member.Apply(Set(0.02, 0.4));

        // Then the model's dropout and the optimizer's groups carry them; unknown names and bad values are refused
        Assert.Equal(0.4, model.Model.Dropout.P);
        Assert.Contains("learning_rate", Factory().Declaration.Hyperparameters.Select(h => h.Name));
        Assert.Throws<ArgumentException>(() => member.Apply(HyperparameterSet.Empty.With("l1", 0.1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => member.Apply(Set(0.01, 1.0)));
    }
}
