using Cohort.Cli.Console;

namespace Cohort.Cli.Tests.Console;

public sealed class TextLayoutTests
{
    [Theory]
    [InlineData(20)]
    [InlineData(80)]
    [InlineData(161)]
    public void Wrap_Should_KeepEveryLineInsideTheWidth_When_TextIsLongerThanALine(int width)
    {
        var text = "[pbt-12] completed: 36,000 steps in 7.5 s (4,824 steps/s) · best evaluation mse 17.6638 (member 11, step 3,000) · "
            + new string('x', 200) + " · 118 exploits · 0 failures";

        var lines = TextLayout.Wrap(text, width).ToList();

        Assert.All(lines, l => Assert.True(l.Length <= width - 1, $"{l.Length} > {width - 1}: {l}"));
        Assert.Equal(text.Replace(" ", "", StringComparison.Ordinal), string.Concat(lines).Replace(" ", "", StringComparison.Ordinal));
        Assert.All(lines.Skip(1), l => Assert.StartsWith("  ", l, StringComparison.Ordinal));
    }

    [Fact]
    public void Join_Should_DropTheLastSegmentsFirst_When_TheyDoNotFit()
    {
        string[] segments = ["  8,400/18,000 steps", "0 failures", "28 exploits", "4,653 steps/s", "run 2 of 3"];

        Assert.Equal("  8,400/18,000 steps · 0 failures · 28 exploits · 4,653 steps/s · run 2 of 3", TextLayout.Join(segments, " · ", 120));
        Assert.Equal("  8,400/18,000 steps · 0 failures · 28 exploits", TextLayout.Join(segments, " · ", 60));
        Assert.Equal("  8,400/18,…", TextLayout.Join(segments, " · ", 13));
    }

    [Fact]
    public void Fit_Should_CutWithAnEllipsis_When_TheTextIsTooLong()
    {
        Assert.Equal("abc", TextLayout.Fit("abc", 4));
        Assert.Equal("ab…", TextLayout.Fit("abcd", 4));
    }
}
