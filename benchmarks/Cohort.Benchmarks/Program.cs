using System.Globalization;
using System.Text.Json;
using Cohort.Benchmarks;

// Engine measurements; each mode prints one JSON object (or a table for `conv`) on standard output.
//   throughput [--seconds S]   training throughput of the papers' networks and GEMM GFLOP/s, shaped like
//                              ../shared/peers/throughput.py's output: {"cases": [...], "gemm": [...]}
//   gemm [--seconds S]         square GEMM only
//   gemm-shapes [--seconds S]  the GEMM shapes training uses, at 1 and 2 threads
//   conv [--seconds S]         convolution kernels of LeNet-5
//   bookkeeping [--cases boston-pbt36,lenet5-pbt16] [--repeats N] [--workers N] [--data-dir DIR] [--in-memory]
//                              issue 12: PBT with its ready interval against one task per member, side by side,
//                              through the SQLite store and the run directory's checkpoints, as `cohort run` does
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
    case "bookkeeping":
        var bookkeeping = await BookkeepingBench.RunAsync(
            Value("--data-dir"),
            int.Parse(Value("--workers") ?? Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture),
            int.Parse(Value("--repeats") ?? "1", CultureInfo.InvariantCulture),
            (Value("--cases") ?? "boston-pbt36,lenet5-pbt16").Split(','),
            args.Contains("--in-memory"));
        Console.WriteLine(JsonSerializer.Serialize(new { bookkeeping }, json));
        return 0;
    case "conv":
        ConvBench.Run(seconds, 1);
        return 0;
    default:
        Console.Error.WriteLine($"unknown mode '{mode}'; use throughput, gemm, gemm-shapes, conv or bookkeeping");
        return 2;
}

string? Value(string option)
{
    var i = Array.IndexOf(args, option);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}
