using Cohort.Core.Security;

namespace Cohort.Core.Tests.Security;

public sealed class SecretMaskerTests
{
    [Theory]
    [InlineData("postgresql://cohort:hunter2@db:5432/pbt", "postgresql://cohort:***@db:5432/pbt")]
    [InlineData("postgresql://cohort:p@ss:w@rd@db/pbt", "postgresql://cohort:***@db/pbt")] // '@' and ':' in the password
    [InlineData("postgres://u:a/b?c#d@db/pbt?sslmode=require", "postgres://u:***@db/pbt?sslmode=require")] // '/', '?', '#'
    [InlineData("postgresql://u:two words@db/pbt", "postgresql://u:***@db/pbt")]
    [InlineData("postgresql://:only-a-password@db/pbt", "postgresql://:***@db/pbt")]
    [InlineData("postgresql://u:s3cr%40t@[::1]:5432/pbt", "postgresql://u:***@[::1]:5432/pbt")]
    [InlineData("postgresql://cohort@db/pbt", "postgresql://cohort@db/pbt")] // no password: unchanged
    [InlineData("postgresql://db:5432/pbt", "postgresql://db:5432/pbt")]
    public void Mask_Should_HideUserInfoPassword_When_GivenAUrl(string text, string expected)
    {
        Assert.Equal(expected, SecretMasker.Mask(text));
    }

    [Theory]
    [InlineData("postgresql://cohort@db/pbt?password=hunter2", "postgresql://cohort@db/pbt?password=***")]
    [InlineData("postgresql://cohort@db/pbt?sslmode=require&PASSWORD=hunter2&application_name=w", "postgresql://cohort@db/pbt?sslmode=require&PASSWORD=***&application_name=w")]
    [InlineData("postgresql://cohort@db/pbt?Pwd=hunter2", "postgresql://cohort@db/pbt?Pwd=***")]
    [InlineData("postgresql://cohort@db/pbt?sslpassword=hunter2&sslmode=verify-full", "postgresql://cohort@db/pbt?sslpassword=***&sslmode=verify-full")]
    [InlineData("postgresql://cohort@db/pbt?password=a&b&c=d", "postgresql://cohort@db/pbt?password=***&c=d")] // raw '&' in the value
    [InlineData("postgresql://u:first@db/pbt?password=second", "postgresql://u:***@db/pbt?password=***")]
    public void Mask_Should_HideTheValue_When_AQueryParameterIsASecret(string text, string expected)
    {
        Assert.Equal(expected, SecretMasker.Mask(text));
    }

    [Theory]
    [InlineData("Host=db;Username=u;Password=hunter2;Database=pbt", "Host=db;Username=u;Password=***;Database=pbt")]
    [InlineData("Host=db;password = hunter2", "Host=db;password = ***")]
    [InlineData("Host=db;PWD=hunter2;Database=pbt", "Host=db;PWD=***;Database=pbt")]
    [InlineData("Host=db;Password='hun;ter''2';Database=pbt", "Host=db;Password=***;Database=pbt")] // quoted, ';' and '' inside
    [InlineData("Host=db;Password=\"hun;ter\"\"2\";Database=pbt", "Host=db;Password=***;Database=pbt")]
    [InlineData("Host=db;Password=hun;ter;Database=pbt", "Host=db;Password=***;Database=pbt")] // raw ';' in the value
    [InlineData("Password=hunter2", "Password=***")]
    [InlineData("Host=db;SSL Password=hunter2;Database=pbt", "Host=db;SSL Password=***;Database=pbt")]
    [InlineData("Host=db;Username=u;Database=pbt", "Host=db;Username=u;Database=pbt")] // no secret: unchanged
    public void Mask_Should_HideTheValue_When_AKeyValueStringHasASecret(string text, string expected)
    {
        Assert.Equal(expected, SecretMasker.Mask(text));
    }

    [Fact]
    public void Mask_Should_HideEveryEmbeddedSecret_When_GivenAMessage()
    {
        // Given an error message that quotes two connection strings on separate lines
        var message = "Unrecognized argument 'postgresql://u:p@ss@db/pbt'\nconnection Host=db;Password=hunter2 failed";

        // When
        var masked = SecretMasker.Mask(message);

        // Then (an unquoted value may hold spaces, so the rest of its line goes with it)
        Assert.Equal("Unrecognized argument 'postgresql://u:***@db/pbt'\nconnection Host=db;Password=***", masked);
        Assert.DoesNotContain("ss@", masked, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", masked, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("postgresql://u:p@ss@db/pbt?password=x&sslmode=require")]
    [InlineData("Storage 'Host=db;Password=hunter2' is not valid; expected postgresql://user:password@host:port/database")]
    [InlineData("Host=db;Password='a;b';Database=pbt")]
    public void Mask_Should_ChangeNothing_When_TextIsAlreadyMasked(string text)
    {
        var once = SecretMasker.Mask(text);

        Assert.Equal(once, SecretMasker.Mask(once));
    }

    [Theory]
    [InlineData("password", true)]
    [InlineData("SSL Password", true)]
    [InlineData("ssl_password", true)]
    [InlineData("passwd", true)]
    [InlineData("PWD", true)]
    [InlineData("api-token", true)]
    [InlineData("Username", false)]
    [InlineData("sslmode", false)]
    public void IsSecretKey_Should_RecogniseSecretKeys(string key, bool expected)
    {
        Assert.Equal(expected, SecretMasker.IsSecretKey(key));
    }
}
