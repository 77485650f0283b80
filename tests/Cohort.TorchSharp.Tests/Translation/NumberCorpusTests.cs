using Cohort.TorchSharp.Translation;

namespace Cohort.TorchSharp.Tests.Translation;

/// <summary>The generated English → French corpus against hand-written translations (traditional French spelling).</summary>
public sealed class NumberCorpusTests
{
    [Theory]
    [InlineData(1, "un")]
    [InlineData(17, "dix-sept")]
    [InlineData(21, "vingt et un")]
    [InlineData(22, "vingt-deux")]
    [InlineData(70, "soixante-dix")]
    [InlineData(71, "soixante et onze")]
    [InlineData(72, "soixante-douze")]
    [InlineData(80, "quatre-vingts")]
    [InlineData(81, "quatre-vingt-un")]
    [InlineData(91, "quatre-vingt-onze")]
    [InlineData(97, "quatre-vingt-dix-sept")]
    [InlineData(100, "cent")]
    [InlineData(101, "cent un")]
    [InlineData(180, "cent quatre-vingts")]
    [InlineData(200, "deux cents")]
    [InlineData(201, "deux cent un")]
    [InlineData(1000, "mille")]
    [InlineData(1001, "mille un")]
    [InlineData(2000, "deux mille")]
    [InlineData(21_000, "vingt et un mille")]
    [InlineData(80_000, "quatre-vingt mille")]
    [InlineData(200_000, "deux cent mille")]
    [InlineData(1_000_000, "un million")]
    [InlineData(2_000_000, "deux millions")]
    [InlineData(80_000_000, "quatre-vingts millions")]
    [InlineData(200_000_000, "deux cents millions")]
    [InlineData(1_001_001, "un million mille un")]
    [InlineData(999_999_999, "neuf cent quatre-vingt-dix-neuf millions neuf cent quatre-vingt-dix-neuf mille neuf cent quatre-vingt-dix-neuf")]
    public void French_Should_WriteTheTraditionalSpelling_When_GivenANumber(int n, string expected) =>
        Assert.Equal(expected, NumberCorpus.French(n));

    [Theory]
    [InlineData(1, "one")]
    [InlineData(21, "twenty-one")]
    [InlineData(100, "one hundred")]
    [InlineData(342_001, "three hundred forty-two thousand one")]
    [InlineData(2_000_000, "two million")]
    [InlineData(1_001_001, "one million one thousand one")]
    [InlineData(999_999_999, "nine hundred ninety-nine million nine hundred ninety-nine thousand nine hundred ninety-nine")]
    public void English_Should_WriteAmericanWords_When_GivenANumber(int n, string expected) =>
        Assert.Equal(expected, NumberCorpus.English(n));

    [Fact]
    public void Should_RefuseNumbersOutsideTheRange_When_Writing()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => NumberCorpus.French(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => NumberCorpus.English(1_000_000_000));
    }

    [Fact]
    public void Tokenize_Should_MakeHyphensTokens_When_AWordIsCompound() =>
        Assert.Equal(["cent", "quatre", "-", "vingt", "-", "dix", "-", "sept", "et", "un"], NumberCorpus.Tokenize("cent quatre-vingt-dix-sept et un"));

    [Fact]
    public void Draw_Should_GiveTheSameDistinctNumbers_When_TheSeedIsTheSame()
    {
        // Given two draws from one seed and one from another
        var a = NumberCorpus.Draw(7, 5000);
        var b = NumberCorpus.Draw(7, 5000);
        var c = NumberCorpus.Draw(8, 5000);

        // Then the same seed gives the same numbers, all distinct and in range; another seed others
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        Assert.Equal(a.Length, a.Distinct().Count());
        Assert.All(a, n => Assert.InRange(n, 1, NumberCorpus.Largest));

        // And the number of digits is spread over 1 … 9 (all 9 one-digit numbers are drawn early)
        Assert.Equal(9, a.Count(n => n < 10));
        Assert.Equal(9, a.Select(n => n.ToString(System.Globalization.CultureInfo.InvariantCulture).Length).Distinct().Count());
    }

    [Fact]
    public void Numbers_Should_SplitDisjointlyWithAClosedVocabulary_When_Built()
    {
        // When the corpus is built with 10% validation and 10% test
        var corpus = TranslationCorpus.Numbers(0.1, 0.1);

        // Then the splits have their sizes, no English sentence in two splits, and every word of validation and test is known
        Assert.Equal((16_000, 2_000, 2_000), (corpus.Train.Count, corpus.Validation.Count, corpus.Test.Count));
        var train = corpus.Train.Select(p => string.Join(' ', p.Source)).ToHashSet(StringComparer.Ordinal);
        Assert.DoesNotContain(corpus.Validation.Concat(corpus.Test), p => train.Contains(string.Join(' ', p.Source)));
        Assert.All(corpus.Validation.Concat(corpus.Test).SelectMany(p => p.Target), w => Assert.NotEqual(Vocabulary.Unknown, corpus.Target.Id(w)));
        Assert.All(corpus.Validation.Concat(corpus.Test).SelectMany(p => p.Source), w => Assert.NotEqual(Vocabulary.Unknown, corpus.Source.Id(w)));
        Assert.Equal((35, 33), (corpus.Source.Count, corpus.Target.Count)); // 4 special tokens; English 31 words, French 29 ("-" counts)
        Assert.InRange(corpus.MaxSourceLength, 15, 18); // 999 999 999: 18 English tokens, 27 French
        Assert.InRange(corpus.MaxTargetLength, 24, 27);

        // And a second build is the same corpus
        var again = TranslationCorpus.Numbers(0.1, 0.1);
        Assert.Equal(corpus.Test.Select(p => string.Join(' ', p.Target)), again.Test.Select(p => string.Join(' ', p.Target)));
    }
}
