namespace Cohort.TorchSharp.Tests;

public sealed class TorchRuntimeTests
{
    [Fact]
    public void Should_NameTheCauseAndTheRemedy_When_LibStdCxxIsTooOld()
    {
        // The loader's message on Debian 12 before the accommodation (dlerror, as .NET reports it)
        const string loader = "Unable to load shared library 'LibTorchSharp' or one of its dependencies.\n"
            + "/app/runtimes/linux-x64/native/libLibTorchSharp.so: /lib/x86_64-linux-gnu/libstdc++.so.6: version `GLIBCXX_3.4.32' not found "
            + "(required by /app/runtimes/linux-x64/native/libLibTorchSharp.so)\n";

        var message = TorchRuntime.LibStdCxxMessage(loader);

        Assert.Contains("GLIBCXX_3.4.32", message, StringComparison.Ordinal);
        Assert.Contains("GCC 13", message, StringComparison.Ordinal);
        Assert.Contains("Debian 13", message, StringComparison.Ordinal);
        Assert.Contains("docs/torchsharp.md", message, StringComparison.Ordinal);
        Assert.Contains("version `GLIBCXX_3.4.32' not found", message, StringComparison.Ordinal);
        Assert.DoesNotContain("Unable to load shared library", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Load_When_TheBackendIsReferenced()
    {
        // The test project references the backend (and, on Debian 12, its build patched the output's glue library)
        TorchRuntime.EnsureAvailable();
        TorchRuntime.EnsureAvailable();
        using var t = global::TorchSharp.torch.ones(2, 2);
        Assert.Equal(4f, t.sum().item<float>());
        if (OperatingSystem.IsLinux())
        {
            Assert.False(string.IsNullOrEmpty(Environment.GetEnvironmentVariable(TorchRuntime.OneDnnIsaVariable)));
        }
    }
}
