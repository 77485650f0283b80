using System.Globalization;
using System.Text;

namespace Cohort.Reports.Charts;

/// <summary>Small helpers for building SVG/HTML text: XML escaping and compact invariant coordinates.</summary>
public static class Svg
{
    /// <summary>Escapes text for XML/HTML content and attribute values (&amp;, &lt;, &gt;, quotes); drops control characters XML forbids.</summary>
    public static string Escape(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }

        var sb = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            switch (c)
            {
                case '&': sb.Append("&amp;"); break;
                case '<': sb.Append("&lt;"); break;
                case '>': sb.Append("&gt;"); break;
                case '"': sb.Append("&quot;"); break;
                case '\'': sb.Append("&#39;"); break;
                default:
                    if (c >= 0x20 || c == '\n' || c == '\r' || c == '\t')
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        return sb.ToString();
    }

    /// <summary>A coordinate with at most one decimal, invariant.</summary>
    public static string N(double value) => Math.Round(value, 1).ToString("0.#", CultureInfo.InvariantCulture);

    /// <summary>Estimated width in pixels of <paramref name="text"/> at font size <paramref name="size"/> (sans-serif average advance).</summary>
    public static double TextWidth(string text, double size = 11) => (text?.Length ?? 0) * size * 0.58;
}
