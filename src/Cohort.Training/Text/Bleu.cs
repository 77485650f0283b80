namespace Cohort.Training.Text;

/// <summary>
/// BLEU (Papineni, Roukos, Ward and Zhu 2002, "BLEU: a method for automatic evaluation of machine translation"), the
/// metric of paper 002's translation experiment (sec. 4.3): the geometric mean of the modified n-gram precisions
/// p₁ … p₄ with uniform weights wₙ = 1/4, times the brevity penalty BP = 1 if c &gt; r, else e^(1 − r/c), where c is the
/// hypotheses' total length and r the sum of each hypothesis's closest reference length ("best match length"; ties go
/// to the shorter reference). A modified precision clips each hypothesis n-gram's count by its largest count in any one
/// reference. Corpus BLEU sums the clipped counts and the n-gram totals over all sentences before dividing (sec. 2.2.1),
/// which is not the mean of sentence scores. No smoothing: a corpus with no matching n-gram of some order scores 0, as
/// NLTK's <c>corpus_bleu</c> without a smoothing function. Scores lie in [0, 1] (paper 002 reports 0.0795).
/// </summary>
public static class Bleu
{
    /// <summary>The largest n-gram order (BLEU-4).</summary>
    public const int MaxOrder = 4;

    /// <summary>
    /// Corpus BLEU-4 of <paramref name="hypotheses"/>, each against its own list of one or more
    /// <paramref name="references"/> (tokens compared ordinally).
    /// </summary>
    public static double Corpus(IReadOnlyList<IReadOnlyList<IReadOnlyList<string>>> references, IReadOnlyList<IReadOnlyList<string>> hypotheses)
    {
        ArgumentNullException.ThrowIfNull(references);
        ArgumentNullException.ThrowIfNull(hypotheses);
        if (references.Count != hypotheses.Count)
        {
            throw new ArgumentException($"{hypotheses.Count} hypotheses but {references.Count} reference lists.", nameof(references));
        }

        var matches = new long[MaxOrder];
        var totals = new long[MaxOrder];
        long hypothesisLength = 0;
        long referenceLength = 0;
        for (var s = 0; s < hypotheses.Count; s++)
        {
            var hypothesis = hypotheses[s];
            var refs = references[s];
            if (refs is null || refs.Count == 0)
            {
                throw new ArgumentException($"Hypothesis {s} has no reference.", nameof(references));
            }

            for (var n = 1; n <= MaxOrder; n++)
            {
                var counts = NGrams(hypothesis, n);
                var maxReference = new Dictionary<string, int>(StringComparer.Ordinal);
                foreach (var reference in refs)
                {
                    foreach (var (gram, count) in NGrams(reference, n))
                    {
                        if (counts.ContainsKey(gram) && count > maxReference.GetValueOrDefault(gram))
                        {
                            maxReference[gram] = count;
                        }
                    }
                }

                foreach (var (gram, count) in counts)
                {
                    matches[n - 1] += Math.Min(count, maxReference.GetValueOrDefault(gram));
                }

                totals[n - 1] += Math.Max(0, hypothesis.Count - n + 1);
            }

            hypothesisLength += hypothesis.Count;
            referenceLength += ClosestLength(refs, hypothesis.Count);
        }

        double logPrecision = 0;
        for (var n = 0; n < MaxOrder; n++)
        {
            if (matches[n] == 0)
            {
                return 0;
            }

            logPrecision += Math.Log((double)matches[n] / totals[n]) / MaxOrder;
        }

        return BrevityPenalty(hypothesisLength, referenceLength) * Math.Exp(logPrecision);
    }

    /// <summary>BLEU-4 of one <paramref name="hypothesis"/> against its <paramref name="references"/>: <see cref="Corpus"/> of a one-sentence corpus.</summary>
    public static double Sentence(IReadOnlyList<IReadOnlyList<string>> references, IReadOnlyList<string> hypothesis) =>
        Corpus([references], [hypothesis]);

    /// <summary>BP = 1 if c &gt; r, else e^(1 − r/c); 0 for an empty hypothesis corpus.</summary>
    private static double BrevityPenalty(long c, long r) => c > r ? 1 : c == 0 ? 0 : Math.Exp(1 - ((double)r / c));

    private static int ClosestLength(IReadOnlyList<IReadOnlyList<string>> references, int length)
    {
        var best = references[0].Count;
        foreach (var reference in references)
        {
            var d = Math.Abs(reference.Count - length);
            var bestD = Math.Abs(best - length);
            if (d < bestD || (d == bestD && reference.Count < best))
            {
                best = reference.Count;
            }
        }

        return best;
    }

    /// <summary>Counts of the n-grams of <paramref name="tokens"/>, each keyed by its tokens joined with U+0001.</summary>
    private static Dictionary<string, int> NGrams(IReadOnlyList<string> tokens, int n)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i + n <= tokens.Count; i++)
        {
            var gram = n == 1 ? tokens[i] : string.Join('\u0001', Enumerable.Range(i, n).Select(k => tokens[k]));
            counts[gram] = counts.GetValueOrDefault(gram) + 1;
        }

        return counts;
    }
}
