using Cohort.Cli.Console;

namespace Cohort.Cli.Tests.Console;

public sealed class MaskingWriterTests
{
    [Fact]
    public void Should_MaskEachLine_When_ASecretIsWrittenInPieces()
    {
        // Given a masking writer over a buffer
        using var inner = new StringWriter();
        using var writer = new MaskingWriter(inner);

        // When a connection string arrives in pieces, then a partial last line is flushed
        writer.Write("cannot open postgresql://u:p@");
        writer.Write("ss@db/pbt");
        writer.WriteLine();
        writer.Write("Host=db;Password=hunter2");
        writer.Flush();

        // Then every line was masked as a whole
        Assert.Equal("cannot open postgresql://u:***@db/pbt" + Environment.NewLine + "Host=db;Password=***", inner.ToString());
    }
}
