using System.Text.Json;
using Cohort.Benchmarks;

var seconds = args.Length > 1 ? double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1.0;
if (Environment.GetEnvironmentVariable("GEMM_NODIRECT") is not null)
{
    Cohort.Engine.Kernels.Gemm.DirectB = false;
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
