using System.Globalization;
using System.Text.Json;
using Cohort.Benchmarks;

// Engine measurements; each mode prints one JSON object (or a table for `conv`) on standard output.
//   throughput [--seconds S]   training throughput of the papers' networks and GEMM GFLOP/s, shaped like
//                              ../shared/peers/throughput.py's output: {"cases": [...], "gemm": [...]}
//   gemm [--seconds S]         square GEMM only
//   gemm-shapes [--seconds S]  the GEMM shapes training uses, at 1 and 2 threads
//   conv [--seconds S]         convolution kernels of LeNet-5
//   torch [--seconds S]        the engine against TorchSharp (LibTorch CPU) on the papers' networks, 1 and 2 threads:
//                              a Markdown table, then the same as JSON
var mode = args.Length > 0 && !args[0].StartsWith('-') ? args[0] : "throughput";
var seconds = 3.0;
var at = Array.IndexOf(args, "--seconds");
if (at >= 0 && at + 1 < args.Length)
{
    seconds = double.Parse(args[at + 1], CultureInfo.InvariantCulture);
}

var json = new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
switch (mode)
{
    case "throughput":
        var cases = TrainingBench.Run(seconds);
        var gemm = GemmBench.Run(seconds / 2);
        Console.WriteLine(JsonSerializer.Serialize(new { engine = "cohort", cases, gemm }, json));
        return 0;
    case "gemm":
        Console.WriteLine(JsonSerializer.Serialize(new { gemm = GemmBench.Run(seconds / 2) }, json));
        return 0;
    case "gemm-shapes":
        Console.WriteLine(JsonSerializer.Serialize(new { threads1 = GemmBench.RunShapes(seconds, 1), threads2 = GemmBench.RunShapes(seconds, 2) }, json));
        return 0;
    case "torch":
        var comparison = TorchBench.Run(seconds);
        Console.WriteLine(TorchBench.Table(comparison));
        Console.WriteLine();
        Console.WriteLine(JsonSerializer.Serialize(new { comparison }, json));
        return 0;
    case "conv":
        ConvBench.Run(seconds, 1);
        return 0;
    default:
        Console.Error.WriteLine($"unknown mode '{mode}'; use throughput, gemm, gemm-shapes, conv or torch");
        return 2;
}
