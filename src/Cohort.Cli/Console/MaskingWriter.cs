using System.Text;
using Cohort.Core.Security;

namespace Cohort.Cli.Console;

/// <summary>
/// Writes to <paramref name="inner"/> line by line, each line passed through <see cref="SecretMasker.Mask"/> first:
/// the command's error stream, where the argument parser and error handlers may quote a connection string the user
/// typed. A partial last line is masked and written on <see cref="Flush"/>. Does not dispose <paramref name="inner"/>.
/// </summary>
internal sealed class MaskingWriter(TextWriter inner) : TextWriter(inner.FormatProvider)
{
    private readonly StringBuilder _line = new();
    private readonly Lock _gate = new();

    public override Encoding Encoding => inner.Encoding;

    public override void Write(char value)
    {
        lock (_gate)
        {
            _line.Append(value);
            if (value == '\n')
            {
                inner.Write(SecretMasker.Mask(_line.ToString()));
                _line.Clear();
            }
        }
    }

    public override void Write(string? value)
    {
        foreach (var c in value ?? "")
        {
            Write(c);
        }
    }

    public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));

    public override void Flush()
    {
        lock (_gate)
        {
            if (_line.Length > 0)
            {
                inner.Write(SecretMasker.Mask(_line.ToString()));
                _line.Clear();
            }

            inner.Flush();
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Flush();
        }

        base.Dispose(disposing);
    }
}
