using System.Globalization;

namespace Cohort.Spec;

/// <summary>One problem in a spec file.</summary>
/// <param name="File">The file (as given to the loader).</param>
/// <param name="Path">The key path, e.g. <c>runs[1].exploit.fraction</c>; empty for the whole document.</param>
/// <param name="Value">The offending value as written, or null when the problem is a missing key.</param>
/// <param name="Message">What was expected.</param>
/// <param name="Line">1-based line, 0 when unknown.</param>
/// <param name="Column">1-based column, 0 when unknown.</param>
public sealed record SpecError(string File, string Path, string? Value, string Message, int Line, int Column)
{
    /// <summary><c>file:line:column: path: message (got 'value')</c>.</summary>
    public override string ToString()
    {
        var location = Line > 0 ? string.Create(CultureInfo.InvariantCulture, $"{File}:{Line}:{Column}") : File;
        var path = Path.Length > 0 ? Path + ": " : "";
        var value = Value is null ? "" : $" (got '{Value}')";
        return $"{location}: {path}{Message}{value}";
    }
}

/// <summary>A spec was rejected; <see cref="Errors"/> lists every problem found (the CLI prints them and exits 2).</summary>
public sealed class SpecException : Exception
{
    /// <summary>A spec rejected for <paramref name="errors"/>.</summary>
    public SpecException(IReadOnlyList<SpecError> errors)
        : base(Format(errors)) => Errors = errors;

    /// <summary>A spec rejected without details.</summary>
    public SpecException()
        : this([])
    {
    }

    /// <summary>A spec rejected for <paramref name="message"/>.</summary>
    public SpecException(string message)
        : base(message) => Errors = [];

    /// <summary>A spec rejected for <paramref name="message"/>, caused by <paramref name="innerException"/>.</summary>
    public SpecException(string message, Exception innerException)
        : base(message, innerException) => Errors = [];

    /// <summary>Every problem found, in the order of the file.</summary>
    public IReadOnlyList<SpecError> Errors { get; }

    private static string Format(IReadOnlyList<SpecError> errors) =>
        errors.Count switch
        {
            0 => "The spec is invalid.",
            1 => "The spec is invalid: " + errors[0],
            _ => string.Create(CultureInfo.InvariantCulture, $"The spec has {errors.Count} errors:{Environment.NewLine}") + string.Join(Environment.NewLine, errors.Select(e => "  " + e)),
        };
}
