namespace Cohort.Dashboard;

/// <summary>
/// A checkpoint's hash as the feed keeps it without a string: a name in lower-case hex (<see cref="Cohort.Core.Storage.ContentHash"/>:
/// XXH128 in 32 digits, or SHA-256 in 64 for checkpoints stored before) as its two or four 64-bit words, or any other text
/// as it is.
/// </summary>
internal readonly record struct CheckpointHash(ulong A, ulong B, ulong C, ulong D, byte Digits, string? Text)
{
    /// <summary>Reads a hash from its UTF-8 text.</summary>
    public static CheckpointHash Parse(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length == 32 && Word(utf8[..16]) is { } x && Word(utf8[16..]) is { } y)
        {
            return new CheckpointHash(x, y, 0, 0, 32, null);
        }

        if (utf8.Length == 64 && Word(utf8[..16]) is { } a && Word(utf8[16..32]) is { } b && Word(utf8[32..48]) is { } c && Word(utf8[48..]) is { } d)
        {
            return new CheckpointHash(a, b, c, d, 64, null);
        }

        return new CheckpointHash(0, 0, 0, 0, 0, System.Text.Encoding.UTF8.GetString(utf8));
    }

    /// <summary>The hash's text, as stored.</summary>
    public override string ToString() => Text ?? string.Create(Digits, this, static (chars, h) =>
    {
        Hex(h.A, chars[..16]);
        Hex(h.B, chars[16..32]);
        if (chars.Length == 64)
        {
            Hex(h.C, chars[32..48]);
            Hex(h.D, chars[48..]);
        }
    });

    /// <summary>Sixteen lower-case hex digits as a word; null when they are anything else.</summary>
    private static ulong? Word(ReadOnlySpan<byte> digits)
    {
        ulong word = 0;
        foreach (var digit in digits)
        {
            ulong nibble = digit switch
            {
                >= (byte)'0' and <= (byte)'9' => (ulong)(digit - '0'),
                >= (byte)'a' and <= (byte)'f' => (ulong)(digit - 'a' + 10),
                _ => ulong.MaxValue,
            };
            if (nibble == ulong.MaxValue)
            {
                return null;
            }

            word = (word << 4) | nibble;
        }

        return word;
    }

    private static void Hex(ulong word, Span<char> chars)
    {
        for (var i = chars.Length - 1; i >= 0; i--)
        {
            chars[i] = "0123456789abcdef"[(int)(word & 0xF)];
            word >>= 4;
        }
    }
}
