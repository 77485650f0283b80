namespace Cohort.Core.Pb2;

/// <summary>
/// A time-varying EXP3 bandit over the choices of one categorical hyperparameter, as PB2-Mix chooses categories
/// (Parker-Holder, Nguyen, Desai and Roberts 2021, sec. 4: EXP3 over the categories, the GP over the continuous
/// parameters conditioned on them). The weights are rebuilt from the window's data at every decision, one round per
/// time step: with p = (1 − γ) w / Σw + γ / K, each observation of choice c with reward r ∈ [0, 1] multiplies w_c by
/// exp(γ r / (p_c K)) (the importance-weighted EXP3 update of Auer et al. 2002); after the round the normalised weights
/// move a fraction ω towards uniform (fixed share, Exp3.S), so a choice that was bad early can come back.
/// </summary>
internal static class CategoryBandit
{
    /// <summary>The probability of each of <paramref name="choices"/> choices after the rounds of <paramref name="plays"/>.</summary>
    /// <param name="plays">(round, choice, reward in [0, 1]), ordered by round.</param>
    public static double[] Probabilities(IReadOnlyList<(long Round, int Choice, double Reward)> plays, int choices, double gamma, double share)
    {
        var logWeights = new double[choices];
        var p = Mix(logWeights, gamma);
        for (var i = 0; i < plays.Count;)
        {
            var round = plays[i].Round;
            for (; i < plays.Count && plays[i].Round == round; i++)
            {
                var (_, c, r) = plays[i];
                logWeights[c] += gamma * r / (p[c] * choices);
            }

            var w = Softmax(logWeights);
            for (var c = 0; c < choices; c++)
            {
                logWeights[c] = Math.Log(((1.0 - share) * w[c]) + (share / choices));
            }

            p = Mix(logWeights, gamma);
        }

        return p;
    }

    /// <summary>Draws a choice from <paramref name="probabilities"/> with one uniform draw.</summary>
    public static int Draw(double[] probabilities, double uniform)
    {
        var cumulative = 0.0;
        for (var c = 0; c < probabilities.Length - 1; c++)
        {
            cumulative += probabilities[c];
            if (uniform < cumulative)
            {
                return c;
            }
        }

        return probabilities.Length - 1;
    }

    private static double[] Mix(double[] logWeights, double gamma)
    {
        var w = Softmax(logWeights);
        for (var c = 0; c < w.Length; c++)
        {
            w[c] = ((1.0 - gamma) * w[c]) + (gamma / w.Length);
        }

        return w;
    }

    private static double[] Softmax(double[] logWeights)
    {
        var max = logWeights.Max();
        var w = logWeights.Select(l => Math.Exp(l - max)).ToArray();
        var sum = w.Sum();
        for (var c = 0; c < w.Length; c++)
        {
            w[c] /= sum;
        }

        return w;
    }
}
