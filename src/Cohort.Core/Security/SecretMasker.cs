using System.Text.RegularExpressions;

namespace Cohort.Core.Security;

/// <summary>
/// The one place where secrets are removed from text that may be printed, logged or put in an exception message:
/// connection strings and any message that embeds one. Three forms are masked, each secret replaced by <c>***</c>:
/// <list type="bullet">
/// <item>URL user-info, <c>scheme://user:password@host</c>. The password may contain any character, <c>@</c>, <c>:</c>,
/// <c>/</c> and spaces included: it runs to the <em>last</em> <c>@</c> on its line. Where a later <c>@</c> belongs to
/// something else (a query value such as <c>application_name=a@b</c>, an e-mail address further on) more is masked
/// than the password; never less.</item>
/// <item>Query parameters, <c>?password=…</c> or <c>&amp;pwd=…</c>, to the next <c>&amp;key=value</c> parameter
/// (a raw <c>&amp;</c> inside the value stays masked) or whitespace.</item>
/// <item>key=value strings (Npgsql, ADO.NET), <c>Password=…;</c>, with quoted values (<c>'a;b'</c>, <c>"a;b"</c>,
/// doubled quotes) or unquoted ones to the next <c>;key=value</c> pair.</item>
/// </list>
/// A key is secret when, ignoring case, spaces, hyphens and underscores, it contains <c>pass</c> (password, passwd,
/// sslpassword, "SSL Password", passfile), <c>pwd</c>, <c>secret</c> or <c>token</c>.
/// </summary>
public static partial class SecretMasker
{
    /// <summary>What a secret is replaced with.</summary>
    public const string Replacement = "***";

    /// <summary>
    /// Returns <paramref name="text"/> with every secret in the forms above replaced by <see cref="Replacement"/>.
    /// Masking masked text changes nothing, so a message may be masked where it is made and again where it is printed.
    /// </summary>
    public static string Mask(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var masked = UserInfo().Replace(text, m => m.Groups["prefix"].Value + Replacement + "@");
        masked = QueryParameter().Replace(masked, MaskIfSecret);
        return KeyValue().Replace(masked, MaskIfSecret);
    }

    /// <summary>Whether a parameter or connection-string key names a secret.</summary>
    public static bool IsSecretKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var k = new string([.. key.Where(char.IsLetterOrDigit).Select(char.ToLowerInvariant)]);
        return k.Contains("pass", StringComparison.Ordinal)
            || k.Contains("pwd", StringComparison.Ordinal)
            || k.Contains("secret", StringComparison.Ordinal)
            || k.Contains("token", StringComparison.Ordinal);
    }

    private static string MaskIfSecret(Match m) =>
        IsSecretKey(m.Groups["key"].Value) ? m.Groups["prefix"].Value + Replacement : m.Value;

    // scheme://user: then everything up to the last '@' of the line (greedy, no line breaks), unless already masked.
    [GeneratedRegex(@"(?<prefix>\b[A-Za-z][A-Za-z0-9+.\-]*://[^\s:/@?#]*:)(?:\*\*\*(?=@)|[^\r\n]*)@", RegexOptions.CultureInvariant)]
    private static partial Regex UserInfo();

    // ?key=value or &key=value; the value runs on over '&' segments that are not themselves key=value.
    [GeneratedRegex(@"(?<prefix>[?&](?<key>[^=&\s]+)=)(?:\*\*\*(?=[&\s'""]|$)|[^&\s]*(?:&[^&=\s]*(?=[&\s]|$))*)", RegexOptions.CultureInvariant)]
    private static partial Regex QueryParameter();

    // key=value at the start, after ';' or after whitespace; quoted values or unquoted ones to the next ';key=' pair.
    [GeneratedRegex(
        @"(?<prefix>(?:^|(?<=[;\s]))(?<key>[A-Za-z][A-Za-z0-9 _\-]*?)\s*=\s*)(?:\*\*\*(?=[;'""\s]|$)|'(?:[^']|'')*'|""(?:[^""]|"""")*""|[^;\r\n]*(?:;[^;=\r\n]*(?=;|$|[\r\n]))*)",
        RegexOptions.CultureInvariant | RegexOptions.Multiline)]
    private static partial Regex KeyValue();
}
