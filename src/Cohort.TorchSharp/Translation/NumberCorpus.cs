using Cohort.Core.Randomness;

namespace Cohort.TorchSharp.Translation;

/// <summary>
/// A generated English → French parallel corpus: the whole numbers 1 … 999 999 999 written out in words, for paper 002's
/// translation experiment (sec. 4.3) where Europarl cannot be downloaded. It has the structure a translation model must
/// learn: a different word order and segmentation ("ninety-seven" → "quatre-vingt-dix-sept", a vigesimal system from 60
/// to 99), words that agree with their position ("quatre-vingts" and "deux cents" take an s only at the end of the
/// number: "quatre-vingt mille", "deux cent un"), conjunctions that appear in some places only ("vingt et un",
/// "soixante et onze", but "quatre-vingt-un"), and words the source has but the target drops ("one thousand" → "mille",
/// "one hundred" → "cent"), and a noun that takes the plural where the adjective "mille" does not ("quatre-vingts
/// millions" but "quatre-vingt mille"). French follows the traditional spelling (hyphens inside numbers below 100 only; not the 1990
/// reform's hyphens everywhere); English is American (no "and").
/// <para>
/// Tokens are words; a hyphen is a token of its own (as the Moses tokeniser's aggressive hyphen splitting does), so the
/// model writes "quatre - vingt - dix - sept" from a closed vocabulary of 29 French and 31 English words and BLEU counts each part.
/// </para>
/// </summary>
internal static class NumberCorpus
{
    /// <summary>The largest number written: nine digits make sentences of up to 18 English and 27 French tokens.</summary>
    public const int Largest = 999_999_999;

    private static readonly string[] s_englishUnits =
    [
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
        "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
    ];

    private static readonly string[] s_englishTens = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"];

    private static readonly string[] s_frenchUnits =
    [
        "zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix", "onze", "douze", "treize",
        "quatorze", "quinze", "seize", "dix-sept", "dix-huit", "dix-neuf",
    ];

    private static readonly string[] s_frenchTens = ["", "", "vingt", "trente", "quarante", "cinquante", "soixante"];

    /// <summary><paramref name="n"/> (1 … 999 999 999) in English words: "two million three hundred forty-two thousand one".</summary>
    public static string English(int n)
    {
        var (millions, thousands, rest) = Groups(n);
        var words = new List<string>(3);
        if (millions > 0)
        {
            words.Add(EnglishBelow1000(millions) + " million");
        }

        if (thousands > 0)
        {
            words.Add(EnglishBelow1000(thousands) + " thousand");
        }

        if (rest > 0)
        {
            words.Add(EnglishBelow1000(rest));
        }

        return string.Join(' ', words);
    }

    /// <summary>
    /// <paramref name="n"/> (1 … 999 999 999) in French words, traditional spelling: 71 "soixante et onze", 80
    /// "quatre-vingts", 81 "quatre-vingt-un", 200 "deux cents", 201 "deux cent un", 1000 "mille", 80 000 "quatre-vingt
    /// mille", 200 000 "deux cent mille", 1 000 000 "un million", 80 000 000 "quatre-vingts millions".
    /// </summary>
    public static string French(int n)
    {
        var (millions, thousands, rest) = Groups(n);
        var words = new List<string>(3);
        if (millions > 0)
        {
            // "million" is a noun: it takes the plural, and "vingts" and "cents" before it keep theirs.
            words.Add(FrenchBelow1000(millions, last: true) + (millions == 1 ? " million" : " millions"));
        }

        if (thousands == 1)
        {
            words.Add("mille"); // never "un mille"
        }
        else if (thousands > 1)
        {
            // "mille" is invariable, and the plural s of "vingts" and "cents" falls before it: "quatre-vingt mille".
            words.Add(FrenchBelow1000(thousands, last: false) + " mille");
        }

        if (rest > 0)
        {
            words.Add(FrenchBelow1000(rest, last: true));
        }

        return string.Join(' ', words);
    }

    /// <summary>Word-level tokens: split at spaces, and at hyphens, which become tokens of their own.</summary>
    public static string[] Tokenize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var tokens = new List<string>();
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = word.Split('-');
            for (var i = 0; i < parts.Length; i++)
            {
                if (i > 0)
                {
                    tokens.Add("-");
                }

                if (parts[i].Length > 0)
                {
                    tokens.Add(parts[i]);
                }
            }
        }

        return [.. tokens];
    }

    /// <summary>
    /// <paramref name="count"/> distinct numbers drawn from <paramref name="seed"/> with the number of digits uniform in
    /// 1 … 9 (a draw already taken is drawn again, so the short numbers are all taken and the rest come from 4 to 9
    /// digits), in draw order. The same seed gives the same numbers on every machine (Cohort's <see cref="Rng"/>).
    /// </summary>
    public static int[] Draw(ulong seed, int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, 1_000_000);
        var rng = new Rng(seed);
        var taken = new HashSet<int>();
        var numbers = new int[count];
        var k = 0;
        while (k < count)
        {
            var digits = 1 + rng.NextInt(9);
            var low = digits == 1 ? 1 : Pow10(digits - 1);
            var n = low + rng.NextInt(Pow10(digits) - low);
            if (taken.Add(n))
            {
                numbers[k++] = n;
            }
        }

        return numbers;
    }

    /// <summary>The three-digit groups of <paramref name="n"/> (1 … <see cref="Largest"/>).</summary>
    private static (int Millions, int Thousands, int Below1000) Groups(int n)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(n, Largest);
        return (n / 1_000_000, n / 1000 % 1000, n % 1000);
    }

    private static int Pow10(int e)
    {
        var p = 1;
        for (var i = 0; i < e; i++)
        {
            p *= 10;
        }

        return p;
    }

    private static string EnglishBelow1000(int n)
    {
        var hundreds = n / 100;
        var rest = n % 100;
        var below100 = rest switch
        {
            0 => "",
            < 20 => s_englishUnits[rest],
            _ when rest % 10 == 0 => s_englishTens[rest / 10],
            _ => s_englishTens[rest / 10] + "-" + s_englishUnits[rest % 10],
        };
        if (hundreds == 0)
        {
            return below100;
        }

        var head = s_englishUnits[hundreds] + " hundred";
        return rest == 0 ? head : head + " " + below100;
    }

    /// <param name="n">1 … 999.</param>
    /// <param name="last">Whether nothing follows (the plural s of "quatre-vingts" and "cents" is written only then).</param>
    private static string FrenchBelow1000(int n, bool last)
    {
        var hundreds = n / 100;
        var rest = n % 100;
        if (hundreds == 0)
        {
            return FrenchBelow100(rest, last);
        }

        var head = hundreds == 1 ? "cent" : s_frenchUnits[hundreds] + (rest == 0 && last ? " cents" : " cent");
        return rest == 0 ? head : head + " " + FrenchBelow100(rest, last);
    }

    /// <param name="n">1 … 99.</param>
    private static string FrenchBelow100(int n, bool last)
    {
        if (n < 20)
        {
            return s_frenchUnits[n];
        }

        var tens = n / 10;
        var unit = n % 10;
        return tens switch
        {
            // 20 … 69: "vingt", "vingt et un", "vingt-deux"
            <= 6 when unit == 0 => s_frenchTens[tens],
            <= 6 when unit == 1 => s_frenchTens[tens] + " et un",
            <= 6 => s_frenchTens[tens] + "-" + s_frenchUnits[unit],

            // 70 … 79 count on from sixty: "soixante-dix", "soixante et onze", "soixante-douze"
            7 when unit == 1 => "soixante et onze",
            7 => "soixante-" + s_frenchUnits[10 + unit],

            // 80 … 99 are four twenties: "quatre-vingts", "quatre-vingt-un" (no "et"), "quatre-vingt-dix-sept"
            8 when unit == 0 => last ? "quatre-vingts" : "quatre-vingt",
            8 => "quatre-vingt-" + s_frenchUnits[unit],
            _ => "quatre-vingt-" + s_frenchUnits[10 + unit],
        };
    }
}
