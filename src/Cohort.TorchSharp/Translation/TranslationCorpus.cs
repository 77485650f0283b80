using Cohort.Core.Randomness;
using Cohort.Core.Trainables;

namespace Cohort.TorchSharp.Translation;

/// <summary>A sentence pair as word tokens.</summary>
internal sealed record SentencePair(string[] Source, string[] Target);

/// <summary>
/// Token ids of one language: 0 padding, 1 beginning of sentence, 2 end of sentence, 3 unknown, then the training
/// split's words in ordinal order (so the ids are a function of the corpus alone).
/// </summary>
internal sealed class Vocabulary
{
    public const int Pad = 0;
    public const int Bos = 1;
    public const int Eos = 2;
    public const int Unknown = 3;

    private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);
    private readonly List<string> _words = ["<pad>", "<s>", "</s>", "<unk>"];

    public Vocabulary(IEnumerable<string> words)
    {
        foreach (var word in words.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            _ids[word] = _words.Count;
            _words.Add(word);
        }
    }

    public int Count => _words.Count;

    public int Id(string word) => _ids.TryGetValue(word, out var id) ? id : Unknown;

    public string Word(int id) => _words[id];
}

/// <summary>
/// A parallel corpus split into training, validation and test pairs, with each side's vocabulary from the training
/// pairs. <see cref="Numbers"/> builds the generated English → French one (<see cref="NumberCorpus"/>).
/// </summary>
internal sealed class TranslationCorpus
{
    /// <summary>The name of the generated corpus in specs.</summary>
    public const string NumbersName = "numbers-en-fr";

    /// <summary>The fixed seed of the generated corpus: every run, whatever its seed, sees the same pairs and splits.</summary>
    public const ulong NumbersSeed = 2002;

    /// <summary>Pairs in the generated corpus (distinct numbers).</summary>
    public const int NumbersCount = 20_000;

    public TranslationCorpus(string name, IReadOnlyList<SentencePair> train, IReadOnlyList<SentencePair> validation, IReadOnlyList<SentencePair> test)
    {
        Name = name;
        Train = train;
        Validation = validation;
        Test = test;
        Source = new Vocabulary(train.SelectMany(p => p.Source));
        Target = new Vocabulary(train.SelectMany(p => p.Target));
        MaxSourceLength = train.Concat(validation).Concat(test).Max(p => p.Source.Length);
        MaxTargetLength = train.Concat(validation).Concat(test).Max(p => p.Target.Length);
    }

    public string Name { get; }

    public IReadOnlyList<SentencePair> Train { get; }

    public IReadOnlyList<SentencePair> Validation { get; }

    public IReadOnlyList<SentencePair> Test { get; }

    public Vocabulary Source { get; }

    public Vocabulary Target { get; }

    /// <summary>The longest source sentence in any split, in tokens.</summary>
    public int MaxSourceLength { get; }

    /// <summary>The longest target sentence in any split, in tokens (greedy decoding stops at this plus a margin).</summary>
    public int MaxTargetLength { get; }

    public IReadOnlyList<SentencePair> Of(DataSplit split) => split switch
    {
        DataSplit.Train => Train,
        DataSplit.Validation => Validation,
        DataSplit.Test => Test,
        _ => throw new ArgumentOutOfRangeException(nameof(split), split, "Unknown split."),
    };

    /// <summary>
    /// The generated corpus: <see cref="NumbersCount"/> distinct numbers from <see cref="NumbersSeed"/>
    /// (<see cref="NumberCorpus.Draw"/>), shuffled; the first <paramref name="validationFraction"/> of them for validation, the
    /// next <paramref name="testFraction"/> for test, the rest for training. A number is in one split only, so
    /// validation and test measure translation of numbers never seen whole in training.
    /// </summary>
    public static TranslationCorpus Numbers(double validationFraction, double testFraction)
    {
        if (!(validationFraction is > 0 and < 1) || !(testFraction is >= 0 and < 1) || validationFraction + testFraction >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(validationFraction), "The validation and test fractions lie in (0, 1) and [0, 1) and add up to less than 1.");
        }

        // Shuffled after the draw: the short numbers, all taken within the first draws, land in every split.
        var numbers = NumberCorpus.Draw(NumbersSeed, NumbersCount);
        new Rng(Seeds.Derive(NumbersSeed, Seeds.Purpose("split"))).Shuffle(numbers.AsSpan());

        var pairs = numbers.Select(n => new SentencePair(NumberCorpus.Tokenize(NumberCorpus.English(n)), NumberCorpus.Tokenize(NumberCorpus.French(n)))).ToArray();
        var validation = (int)Math.Round(validationFraction * pairs.Length);
        var test = (int)Math.Round(testFraction * pairs.Length);
        return new TranslationCorpus(NumbersName, pairs[(validation + test)..], pairs[..validation], pairs[validation..(validation + test)]);
    }
}
