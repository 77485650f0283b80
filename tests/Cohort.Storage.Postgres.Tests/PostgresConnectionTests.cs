using Npgsql;

namespace Cohort.Storage.Postgres.Tests;

/// <summary>Connection strings: URIs, key=value strings, and the password never shown. No database needed.</summary>
public sealed class PostgresConnectionTests
{
    [Fact]
    public void ToNpgsql_Should_MapEveryPart_When_GivenAUri()
    {
        var text = PostgresConnection.ToNpgsql("postgresql://pbt%40lab:s3cr%3At@db.example.org:6432/cohort?sslmode=require&application_name=w1");
        var builder = new NpgsqlConnectionStringBuilder(text);

        Assert.Equal("db.example.org", builder.Host);
        Assert.Equal(6432, builder.Port);
        Assert.Equal("pbt@lab", builder.Username);
        Assert.Equal("s3cr:t", builder.Password);
        Assert.Equal("cohort", builder.Database);
        Assert.Equal(SslMode.Require, builder.SslMode);
        Assert.Equal("w1", builder.ApplicationName);
    }

    [Fact]
    public void ToNpgsql_Should_KeepAKeyValueString_When_GivenOne()
    {
        var builder = new NpgsqlConnectionStringBuilder(PostgresConnection.ToNpgsql("Host=10.0.0.5;Username=u;Password=p;Database=d"));

        Assert.Equal("10.0.0.5", builder.Host);
        Assert.Equal("p", builder.Password);
    }

    [Theory]
    [InlineData("postgresql://u:p@ss-hunter2@h/d")] // a raw '@' in the password is not a valid URI
    [InlineData("Host=h;Password=hunter2;Frobnicate=1")]
    [InlineData("postgresql://u@h/d?password=hunter2&frobnicate=1")]
    [InlineData("postgresql://u@h/d?PWD=hunter2&frobnicate=1")]
    public void ToNpgsql_Should_ThrowWithoutThePassword_When_AnyFormIsRejected(string uri)
    {
        var error = Assert.Throws<FormatException>(() => PostgresConnection.ToNpgsql(uri));

        Assert.DoesNotContain("hunter2", error.Message, StringComparison.Ordinal);
        Assert.Contains("***", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToNpgsql_Should_ThrowWithoutThePassword_When_AUriParameterIsUnknown()
    {
        var error = Assert.Throws<FormatException>(() => PostgresConnection.ToNpgsql("postgresql://u:hunter2@h/d?frobnicate=1"));

        Assert.DoesNotContain("hunter2", error.Message, StringComparison.Ordinal);
        Assert.Contains("frobnicate", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToNpgsql_Should_SayHowToEncodeIt_When_APasswordHoldsARawAt()
    {
        var error = Assert.Throws<FormatException>(() => PostgresConnection.ToNpgsql("postgresql://u:p@ss-hunter2@h/d"));

        Assert.Contains("%40", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sslmode=bogus", "sslmode=bogus")]
    [InlineData("connect_timeout=soon", "connect_timeout=soon")]
    public void ToNpgsql_Should_NameTheParameter_When_ItsValueIsInvalid(string query, string named)
    {
        var error = Assert.Throws<FormatException>(() => PostgresConnection.ToNpgsql("postgresql://u:hunter2@h/d?" + query));

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("postgresql://h/d", true)]
    [InlineData("Host=h;Database=d", true)]
    [InlineData("runs/toy", false)]
    [InlineData(null, false)]
    public void IsPostgres_Should_RecogniseConnectionStrings(string? storage, bool expected)
    {
        Assert.Equal(expected, PostgresConnection.IsPostgres(storage));
    }
}
