using System.Globalization;
using System.Text;
using Cohort.Core.Scheduling;
using Cohort.Reports.Charts;

namespace Cohort.Reports;

/// <summary>The report's "why members stopped" table: each member's last <see cref="MemberFinished"/> event, with a count per reason.</summary>
internal static class MemberStops
{
    /// <summary>Appends the table for one run's events (nothing when no member has finished).</summary>
    public static void AppendTable(StringBuilder sb, IReadOnlyList<RunEvent> events)
    {
        var finished = events.OfType<MemberFinished>().GroupBy(e => e.Member).Select(g => g.Last()).OrderBy(e => e.Member).ToArray();
        if (finished.Length == 0)
        {
            return;
        }

        var counts = string.Join(", ", finished.GroupBy(f => f.Reason).OrderBy(g => g.Key)
            .Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Count()} {MemberStopReasons.Name(g.Key)}")));
        sb.Append("<h3>Why members stopped</h3><p class=\"meta\">").Append(Svg.Escape(counts)).Append(".</p>")
            .Append("<div class=\"scroll\"><table class=\"stops\"><thead><tr><th>member</th><th>at step</th><th>reason</th><th>detail</th></tr></thead><tbody>");
        foreach (var f in finished)
        {
            sb.Append("<tr><td class=\"n\">").Append(f.Member.ToString(CultureInfo.InvariantCulture))
                .Append("</td><td class=\"n\">").Append(f.Step.ToString(CultureInfo.InvariantCulture))
                .Append("</td><td>").Append(Svg.Escape(MemberStopReasons.Name(f.Reason)))
                .Append("</td><td>").Append(Svg.Escape(f.Message ?? "")).Append("</td></tr>");
        }

        sb.Append("</tbody></table></div>\n");
    }
}
