using System.Text.Json;
using Cohort.Benchmarks;

var seconds = args.Length > 1 ? double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1.0;
if (Environment.GetEnvironmentVariable("GEMM_NODIRECT") is not null)
{
    Cohort.Engine.Kernels.Gemm.DirectB = false;
}

if (args.Length > 0 && args[0] == "gemm-one")
{
    var inv = System.Globalization.CultureInfo.InvariantCulture;
    var (s1, g1) = GemmBench.Measure(
        args[5] == "T" ? Cohort.Engine.Kernels.Transpose.Yes : Cohort.Engine.Kernels.Transpose.No,
        args[6] == "T" ? Cohort.Engine.Kernels.Transpose.Yes : Cohort.Engine.Kernels.Transpose.No,
        int.Parse(args[2], inv), int.Parse(args[3], inv), int.Parse(args[4], inv), int.Parse(args[7], inv), seconds);
    Console.WriteLine(string.Create(inv, $"{string.Join(' ', args[2..])}: {s1 * 1e6:F3} us {g1:F1} GFLOP/s"));
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
