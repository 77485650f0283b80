using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Cohort.Cli.Console;
using Cohort.Cli.Experiments;

namespace Cohort.Cli.Export;

/// <summary>
/// <c>cohort export DIR --format csv|jsonl|tensorboard</c>: every evaluation of the experiment, as a tidy table a
/// notebook reads directly (<c>pandas.read_csv</c>, <c>pandas.read_json(lines=True)</c>) or as TensorBoard event
/// files (<c>tensorboard --logdir DIR/export/tensorboard</c>). Columns: <see cref="EvaluationTable.Columns"/>.
/// </summary>
internal static class ExperimentExport
{
    public static async Task<int> RunAsync(ExperimentDirectory directory, ExportFormat format, string? output, Terminal terminal, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(terminal);
        EvaluationTable table;
        var (store, _) = await directory.OpenExistingAsync(cancellationToken).ConfigureAwait(false);
        await using (store.ConfigureAwait(false))
        {
            table = await EvaluationTable.ReadAsync(store, cancellationToken).ConfigureAwait(false);
        }

        var target = output ?? Path.Combine(directory.Display, "export", format switch
        {
            ExportFormat.Csv => "evaluations.csv",
            ExportFormat.Jsonl => "evaluations.jsonl",
            _ => "tensorboard",
        });
        try
        {
            switch (format)
            {
                case ExportFormat.Csv:
                    await WriteAsync(target, Csv(table), cancellationToken).ConfigureAwait(false);
                    break;
                case ExportFormat.Jsonl:
                    await WriteAsync(target, Jsonl(table), cancellationToken).ConfigureAwait(false);
                    break;
                default:
                    var files = TensorBoardWriter.Write(table, target, DateTimeOffset.UtcNow);
                    terminal.Line(string.Create(CultureInfo.InvariantCulture, $"Wrote {table.Rows.Count:N0} evaluations to {files.Count:N0} TensorBoard event files under {target} (tensorboard --logdir {ExperimentDirectory.Quote(target)})"));
                    return ExitCodes.Success;
            }
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException and not FileNotFoundException)
        {
            throw new UsageException($"cannot write {target}: {e.Message}");
        }

        terminal.Line(string.Create(CultureInfo.InvariantCulture, $"Wrote {table.Rows.Count:N0} evaluations ({table.Columns.Count} columns) to {target}"));
        return ExitCodes.Success;
    }

    /// <summary>The table as CSV (RFC 4180 quoting; numbers invariant and round-trip; empty for none).</summary>
    public static string Csv(EvaluationTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        var text = new StringBuilder();
        text.AppendJoin(',', table.Columns.Select(Quote)).Append('\n');
        foreach (var row in table.Rows)
        {
            text.AppendJoin(',', Values(table, row).Select(v => Quote(v switch
            {
                null => "",
                double d => Number(d),
                bool b => b ? "true" : "false",
                IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                _ => v.ToString() ?? "",
            }))).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>The table as JSON lines: one object per evaluation with the CSV's keys (non-finite numbers as null).</summary>
    public static string Jsonl(EvaluationTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        var text = new StringBuilder();
        var columns = table.Columns;
        foreach (var row in table.Rows)
        {
            var o = new JsonObject();
            var values = Values(table, row);
            for (var i = 0; i < columns.Count; i++)
            {
                o[columns[i]] = values[i] switch
                {
                    null => null,
                    double d => double.IsFinite(d) ? JsonValue.Create(d) : null,
                    long l => JsonValue.Create(l),
                    int n => JsonValue.Create(n),
                    bool b => JsonValue.Create(b),
                    var v => JsonValue.Create(v.ToString()),
                };
            }

            text.Append(o.ToJsonString()).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>A row's values in <see cref="EvaluationTable.Columns"/> order.</summary>
    private static object?[] Values(EvaluationTable table, Evaluation row) =>
    [
        row.Run, row.Method, row.Member, row.Step, row.Generation, row.Outcome.ToString().ToLowerInvariant(),
        .. table.HyperparameterNames.Select(h => row.Hyperparameters.TryGetValue(h, out var v) ? v.IsCategorical ? v.Category : (object)v.Number : null),
        .. table.MetricNames.Select(m => row.Validation.TryGetValue(m, out var v) ? (object)v : null),
        .. table.MetricNames.Select(m => row.Test.TryGetValue(m, out var v) ? (object)v : null),
        row.ParentMember, row.ParentStep, row.ParentMember is { } p ? p != row.Member : null, row.Checkpoint, row.ParentCheckpoint, row.Message,
    ];

    private static string Number(double value) =>
        double.IsNaN(value) ? "NaN" : double.IsPositiveInfinity(value) ? "inf" : double.IsNegativeInfinity(value) ? "-inf" : value.ToString("R", CultureInfo.InvariantCulture);

    private static string Quote(string field) =>
        field.AsSpan().IndexOfAny(",\"\n\r") >= 0 ? "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : field;

    private static async Task WriteAsync(string path, string content, CancellationToken cancellationToken)
    {
        if (Path.GetDirectoryName(Path.GetFullPath(path)) is { } folder)
        {
            Directory.CreateDirectory(folder);
        }

        await File.WriteAllTextAsync(path, content, new UTF8Encoding(false), cancellationToken).ConfigureAwait(false);
    }
}
