using Cohort.Training.Text;

namespace Cohort.Training.Tests.Text;

/// <summary>
/// BLEU-4 against the values NLTK documents for <c>nltk.translate.bleu_score.corpus_bleu</c> and <c>sentence_bleu</c>
/// (the docstring examples of nltk/translate/bleu_score.py, from Papineni et al.'s paper), and against the formula.
/// </summary>
public sealed class BleuTests
{
    private static readonly string[] s_hyp1 = Words("It is a guide to action which ensures that the military always obeys the commands of the party");
    private static readonly string[] s_ref1a = Words("It is a guide to action that ensures that the military will forever heed Party commands");
    private static readonly string[] s_ref1b = Words("It is the guiding principle which guarantees the military forces always being under the command of the Party");
    private static readonly string[] s_ref1c = Words("It is the practical guide for the army always to heed the directions of the party");
    private static readonly string[] s_hyp2 = Words("he read the book because he was interested in world history");
    private static readonly string[] s_ref2a = Words("he was interested in world history because he read the book");

    [Fact]
    public void Corpus_Should_MatchNltk_When_GivenItsDocumentedExample()
    {
        // NLTK: corpus_bleu([[ref1a, ref1b, ref1c], [ref2a]], [hyp1, hyp2]) == 0.5920778868801042
        var score = Bleu.Corpus([[s_ref1a, s_ref1b, s_ref1c], [s_ref2a]], [s_hyp1, s_hyp2]);

        Assert.Equal(0.5920778868801042, score, 12);
    }

    [Fact]
    public void Sentence_Should_MatchNltk_When_GivenItsDocumentedExamples()
    {
        // NLTK: sentence_bleu([ref1a, ref1b, ref1c], hyp1) == 0.5045...; the mean with sentence_bleu([ref2a], hyp2) == 0.6223...
        var score1 = Bleu.Sentence([s_ref1a, s_ref1b, s_ref1c], s_hyp1);
        var score2 = Bleu.Sentence([s_ref2a], s_hyp2);

        // (the doctests print "0.5045..." and "0.6223...": the leading digits, truncated)
        Assert.InRange(score1, 0.5045, 0.5046);
        Assert.InRange((score1 + score2) / 2, 0.6223, 0.6224);
    }

    [Fact]
    public void Should_ApplyTheBrevityPenalty_When_TheHypothesisIsShorter()
    {
        // Given a hypothesis that is the first 6 of the reference's 8 words (every n-gram matches)
        var reference = Words("un deux trois quatre cinq six sept huit");

        // Then BLEU is the brevity penalty alone, e^(1 - 8/6); the whole sentence scores 1
        Assert.Equal(Math.Exp(1 - (8.0 / 6)), Bleu.Sentence([reference], reference[..6]), 12);
        Assert.Equal(1.0, Bleu.Sentence([reference], reference), 12);
    }

    [Fact]
    public void Should_ScoreZero_When_NoFourGramMatchesOrTheHypothesisIsEmpty()
    {
        var reference = Words("cent quatre - vingt - dix");

        Assert.Equal(0, Bleu.Sentence([reference], Words("dix - vingt - quatre cent")));
        Assert.Equal(0, Bleu.Sentence([reference], []));
    }

    [Fact]
    public void Should_ClipRepeatedWords_When_TheHypothesisRepeatsAReferenceWord()
    {
        // Papineni et al. sec. 2.1: "the the the the the the the" has unigram precision 2/7 against "the cat is on the mat".
        // With one more matching n-gram of each order BLEU is (p1 p2 p3 p4)^(1/4): here the corpus adds an exact copy.
        var cat = Words("the cat is on the mat");
        var the = Words("the the the the the the the");

        var score = Bleu.Corpus([[cat], [cat]], [the, cat]);

        // unigrams (2 + 6) / (7 + 6); bigrams (0 + 5) / (6 + 5); trigrams 4 / (5 + 4); 4-grams 3 / (4 + 3); c = 13 > r = 12
        var expected = Math.Pow(8.0 / 13 * (5.0 / 11) * (4.0 / 9) * (3.0 / 7), 0.25);
        Assert.Equal(expected, score, 12);
    }

    [Fact]
    public void Should_Refuse_When_TheCountsDiffer() =>
        Assert.Throws<ArgumentException>(() => Bleu.Corpus([[s_ref2a]], [s_hyp1, s_hyp2]));

    private static string[] Words(string text) => text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
}
