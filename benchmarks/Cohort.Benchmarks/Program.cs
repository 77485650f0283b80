using System.Text.Json;
using Cohort.Benchmarks;

var seconds = args.Length > 1 ? double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1.0;
if (Environment.GetEnvironmentVariable("GEMM_NODIRECT") is not null)
{
    Cohort.Engine.Kernels.Gemm.DirectB = false;
}

if (Environment.GetEnvironmentVariable("GEMM_ISA") is { } isaName)
{
    Cohort.Engine.Kernels.Gemm.t_isaOverride = Enum.Parse<Cohort.Engine.Kernels.GemmIsa>(isaName);
}

if (args.Length > 0 && args[0] == "gemm-one")
{
    var inv = System.Globalization.CultureInfo.InvariantCulture;
    var cpu0 = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
    var wall = System.Diagnostics.Stopwatch.StartNew();
    var (s1, g1) = GemmBench.Measure(
        args[5] == "T" ? Cohort.Engine.Kernels.Transpose.Yes : Cohort.Engine.Kernels.Transpose.No,
        args[6] == "T" ? Cohort.Engine.Kernels.Transpose.Yes : Cohort.Engine.Kernels.Transpose.No,
        int.Parse(args[2], inv), int.Parse(args[3], inv), int.Parse(args[4], inv), int.Parse(args[7], inv), seconds);
    var cpu = (System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds;
    {
        int mm = int.Parse(args[2], inv), nn = int.Parse(args[3], inv), kk = int.Parse(args[4], inv);
        var aa = new float[mm * kk];
        var bb = new float[kk * nn];
        var cc = new float[mm * nn];
        var ta = args[5] == "T" ? Cohort.Engine.Kernels.Transpose.Yes : Cohort.Engine.Kernels.Transpose.No;
        var tb = args[6] == "T" ? Cohort.Engine.Kernels.Transpose.Yes : Cohort.Engine.Kernels.Transpose.No;
        var c0 = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
        var calls = 0;
        var sw = System.Diagnostics.Stopwatch.StartNew();
        while (sw.Elapsed.TotalSeconds < seconds)
        {
            Cohort.Engine.Kernels.Gemm.Compute(ta, tb, mm, nn, kk, 1f, aa, ta == Cohort.Engine.Kernels.Transpose.No ? kk : mm, bb, tb == Cohort.Engine.Kernels.Transpose.No ? nn : kk, 0f, cc, nn, int.Parse(args[7], inv));
            calls++;
        }

        var used = (System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - c0).TotalSeconds;
        Console.WriteLine(string.Create(inv, $"  per CPU-second: {2.0 * mm * nn * kk * calls / used / 1e9:F1} GFLOP/s"));
    }

    Console.WriteLine(string.Create(inv, $"{string.Join(' ', args[2..])}: {s1 * 1e6:F3} us {g1:F1} GFLOP/s (cpu/wall {cpu / wall.Elapsed.TotalSeconds:F2})"));
    return 0;
}

if (args.Length > 0 && args[0] == "gemm-shapes")
{
    Console.WriteLine(JsonSerializer.Serialize(GemmBench.RunShapes(seconds, 1)));
    if (args.Length > 2)
    {
        Console.WriteLine(JsonSerializer.Serialize(GemmBench.RunShapes(seconds, 2)));
    }
    return 0;
}

Console.WriteLine(JsonSerializer.Serialize(GemmBench.Run(seconds)));
return 0;
