namespace Cohort.Core.Trainables;

/// <summary>"Did you mean" for misspelt names: keys of a spec, hyperparameters, metrics, methods, kinds.</summary>
public static class NameSuggestions
{
    /// <summary>
    /// The candidate closest to <paramref name="word"/>, or null when none is close: first a candidate whose
    /// underscore-separated initials spell the word (<c>lr</c> → <c>learning_rate</c>), else the one at the smallest
    /// edit distance, if that distance is at most a third of the longer name (at least 1). Case is ignored.
    /// </summary>
    public static string? Closest(string word, IEnumerable<string> candidates)
    {
        ArgumentNullException.ThrowIfNull(word);
        ArgumentNullException.ThrowIfNull(candidates);
        var all = candidates as IReadOnlyCollection<string> ?? candidates.ToArray();
        var lower = word.ToLowerInvariant();
        if (lower.Length >= 2)
        {
            foreach (var candidate in all)
            {
                var parts = candidate.ToLowerInvariant().Split(['_', '-', '.'], StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length == lower.Length && parts.Length > 1 && parts.Select(p => p[0]).SequenceEqual(lower))
                {
                    return candidate;
                }
            }
        }

        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in all)
        {
            var d = Distance(lower, candidate.ToLowerInvariant());
            if (d < bestDistance)
            {
                best = candidate;
                bestDistance = d;
            }
        }

        return best is not null && bestDistance <= Math.Max(1, Math.Max(word.Length, best.Length) / 3) ? best : null;
    }

    /// <summary><c> (did you mean 'x'?)</c> when a candidate is close, else empty.</summary>
    public static string DidYouMean(string word, IEnumerable<string> candidates) =>
        Closest(word, candidates) is { } close ? $" (did you mean '{close}'?)" : "";

    /// <summary>The names joined by commas, the first <paramref name="limit"/> only, then how many there are.</summary>
    public static string List(IReadOnlyCollection<string> names, int limit = 24)
    {
        ArgumentNullException.ThrowIfNull(names);
        return names.Count <= limit
            ? string.Join(", ", names)
            : string.Join(", ", names.Take(limit)) + FormattableString.Invariant($", … ({names.Count} in all)");
    }

    /// <summary>Levenshtein distance.</summary>
    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
