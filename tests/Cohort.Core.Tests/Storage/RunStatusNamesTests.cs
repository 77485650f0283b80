using Cohort.Core.Storage;

namespace Cohort.Core.Tests.Storage;

public sealed class RunStatusNamesTests
{
    [Theory]
    [InlineData(RunStatus.Running, "running")]
    [InlineData(RunStatus.Completed, "completed")]
    [InlineData(RunStatus.Failed, "failed")]
    [InlineData(RunStatus.Cancelled, "cancelled")]
    public void Should_RoundTrip_When_StatusIsKnown(RunStatus status, string text)
    {
        Assert.Equal(text, RunStatusNames.Name(status));
        Assert.Equal(status, RunStatusNames.Parse(text, "runs"));
    }

    [Fact]
    public void Should_NameTextAndTable_When_TextIsUnknown()
    {
        var error = Assert.Throws<InvalidDataException>(() => RunStatusNames.Parse("paused", "cohort_runs"));
        Assert.Equal("Unknown run status 'paused' in cohort_runs.", error.Message);
    }
}
