using System.Runtime.InteropServices;
using TorchSharp;

namespace Cohort.TorchSharp;

/// <summary>
/// Loads TorchSharp's native backend once, turning the ways it can fail into a <see cref="TorchUnavailableException"/>
/// that says what to do. Every Cohort.TorchSharp factory calls <see cref="EnsureAvailable"/> when it is built, so a
/// run fails before it starts, not with a <see cref="TypeInitializationException"/> in its first task.
/// </summary>
public static partial class TorchRuntime
{
    /// <summary>
    /// The environment variable that caps the instruction set of oneDNN, LibTorch's CPU convolution library. Unless it is
    /// set already, <see cref="EnsureAvailable"/> sets it to <c>AVX2</c> on Linux before LibTorch starts: with oneDNN's
    /// AVX-512 kernels, paper 002's DCGAN produced NaNs from finite inputs at random steps here (LibTorch 2.10, an
    /// AVX-512 AMD EPYC), with AVX2 it trained 1,600 steps cleanly. Set it to <c>ALL</c> to use every instruction set.
    /// </summary>
    public const string OneDnnIsaVariable = "ONEDNN_MAX_CPU_ISA";

    /// <summary>The libstdc++ symbol version TorchSharp 0.107's Linux glue library (libLibTorchSharp.so) requires.</summary>
    public const string RequiredLibStdCxxVersion = "GLIBCXX_3.4.32";

    private static readonly Lock s_gate = new();
    private static bool s_loaded;

    /// <summary>
    /// Loads the backend (idempotent, thread-safe). Throws <see cref="TorchUnavailableException"/> when it cannot be
    /// loaded: no native backend package referenced, or (Linux) a libstdc++ older than GCC 13's.
    /// </summary>
    public static void EnsureAvailable()
    {
        lock (s_gate)
        {
            if (s_loaded)
            {
                return;
            }

            LimitOneDnnIsa();
            PreloadGlueLibrary();
            try
            {
                torch.InitializeDeviceType(DeviceType.CPU);
            }
            catch (Exception ex) when (ex is NotSupportedException or InvalidOperationException or DllNotFoundException or TypeInitializationException)
            {
                throw new TorchUnavailableException(
                    "TorchSharp's native backend did not load. An application using Cohort.TorchSharp must reference a backend "
                    + "package: TorchSharp-cpu (or libtorch-cpu-<os>, or a CUDA package) of the version matching TorchSharp "
                    + $"{typeof(torch).Assembly.GetName().Version}. TorchSharp said: {FirstLine(ex)}",
                    ex);
            }

            s_loaded = true;
        }
    }

    /// <summary>
    /// Loads libLibTorchSharp.so the way TorchSharp will (the application's dependency probing), so that a libstdc++
    /// that is too old is reported as such. Where the library is simply not found, TorchSharp's own search runs next.
    /// </summary>
    private static void PreloadGlueLibrary()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        try
        {
            NativeLibrary.Load("LibTorchSharp", typeof(torch).Assembly, null);
        }
        catch (DllNotFoundException ex) when (ex.Message.Contains("GLIBCXX_", StringComparison.Ordinal))
        {
            throw new TorchUnavailableException(LibStdCxxMessage(ex.Message), ex);
        }
        catch (DllNotFoundException)
        {
            // Not found where the application probes: TorchSharp searches further and explains if it fails.
        }
    }

    /// <summary>Sets <see cref="OneDnnIsaVariable"/> to AVX2 in the native environment, where oneDNN reads it, unless it is set.</summary>
    private static void LimitOneDnnIsa()
    {
        if (OperatingSystem.IsLinux() && string.IsNullOrEmpty(Environment.GetEnvironmentVariable(OneDnnIsaVariable)))
        {
            // Environment.SetEnvironmentVariable changes only .NET's copy on Unix; LibTorch reads the C environment.
            _ = SetEnvironmentVariable(OneDnnIsaVariable, "AVX2", 0);
            Environment.SetEnvironmentVariable(OneDnnIsaVariable, "AVX2");
        }
    }

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnvironmentVariable(string name, string value, int overwrite);

    /// <summary>The explanation for a loader error that names a missing GLIBCXX version.</summary>
    internal static string LibStdCxxMessage(string loaderError)
    {
        var detail = loaderError.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Contains("GLIBCXX_", StringComparison.Ordinal)) ?? loaderError;
        return "TorchSharp cannot load on this system: its native library libLibTorchSharp.so needs a C++ runtime "
            + $"(libstdc++) with {RequiredLibStdCxxVersion}, from GCC 13 or newer, and this system's is older "
            + "(Debian 12 ships GCC 12's). Run on a newer system (Debian 13, Ubuntu 24.04, or a container of one), or put a "
            + "libstdc++.so.6 from GCC 13+ first on LD_LIBRARY_PATH; see docs/torchsharp.md, \"Debian 12\", for these and "
            + $"for the build-time patch Cohort's own tests use. The loader said: {detail}";
    }

    private static string FirstLine(Exception ex) => ex.Message.Split('\n')[0].Trim();
}

/// <summary>TorchSharp's native backend cannot be used here; the message says why and what to do.</summary>
public sealed class TorchUnavailableException : Exception
{
    /// <summary>Creates the exception with <paramref name="message"/> and its cause.</summary>
    public TorchUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a default message.</summary>
    public TorchUnavailableException()
        : base("TorchSharp's native backend is not available.")
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public TorchUnavailableException(string message)
        : base(message)
    {
    }
}
