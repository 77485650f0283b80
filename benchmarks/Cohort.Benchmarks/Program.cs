using System.Globalization;
using System.Text.Json;
using Cohort.Benchmarks;

// Engine measurements; each mode prints one JSON object (or a table for `conv`) on standard output.
//   throughput [--seconds S]   training throughput of the papers' networks and GEMM GFLOP/s, shaped like
//                              ../shared/peers/throughput.py's output: {"cases": [...], "gemm": [...]}
//   gemm [--seconds S]         square GEMM only
//   gemm-shapes [--seconds S]  the GEMM shapes training uses, at 1 and 2 threads
//   conv [--seconds S]         convolution kernels of LeNet-5
//   bookkeeping [--cases boston-pbt36,lenet5-pbt16] [--repeats N] [--workers N] [--data-dir DIR] [--in-memory] [--ready-only]
//                              issue 12: PBT with its ready interval against one task per member, side by side,
//                              through the SQLite store and the run directory's checkpoints, as `cohort run` does
//   store-append [--data-dir DIR] [--repeats N]
//                              the SQLite store's cost per result: one boston-pbt36 run's committed batches appended again
//   datasets --data DIR        verifying MNIST's SHA-256 on load against loading it (DIR: a data directory with mnist/)
//   pb2-cost [--data-dir D] [--seeds N] [--workers W] [--previous-defaults] [--rounds R]
//                              PB2's decision cost (population 36, 5 hyperparameters, 100 generations) on the Boston MLP
//                              against the run's wall time, beside PBT's (and PB2's previous defaults with --previous-defaults);
//                              D holds boston/housing.data
//   pb2-replay [--data-dir D] [--repeats R] [--previous-defaults]
//                              PB2's decisions alone: one PB2 run of pb2-cost's setting, its results replayed R times
//   pb2-vs-pbt [--seeds N]     PB2 against PBT at population 4 on the noisy quadratic and the toy
//   torch [--seconds S]        the engine against TorchSharp (LibTorch CPU) on the papers' networks, 1 and 2 threads:
//                              a Markdown table, then the same as JSON
var mode = args.Length > 0 && !args[0].StartsWith('-') ? args[0] : "throughput";
var seconds = 3.0;
var at = Array.IndexOf(args, "--seconds");
if (at >= 0 && at + 1 < args.Length)
{
    seconds = double.Parse(args[at + 1], CultureInfo.InvariantCulture);
}

string? Option(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
var seedCount = int.Parse(Option("--seeds") ?? "3", CultureInfo.InvariantCulture);
var seeds = Enumerable.Range(1, seedCount).Select(i => (ulong)i).ToArray();
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
    case "store-append":
        Console.WriteLine(JsonSerializer.Serialize(new { store_append = await StoreAppendBench.RunAsync(Option("--data-dir"), int.Parse(Option("--repeats") ?? "5", CultureInfo.InvariantCulture)) }, json));
        return 0;
    case "bookkeeping":
        var bookkeeping = await BookkeepingBench.RunAsync(
            Option("--data-dir"),
            int.Parse(Option("--workers") ?? Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture),
            int.Parse(Option("--repeats") ?? "1", CultureInfo.InvariantCulture),
            (Option("--cases") ?? "boston-pbt36,lenet5-pbt16").Split(','),
            args.Contains("--in-memory"),
            args.Contains("--ready-only"));
        Console.WriteLine(JsonSerializer.Serialize(new { bookkeeping }, json));
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
    case "datasets":
        var dataAt = Array.IndexOf(args, "--data");
        if (dataAt < 0 || dataAt + 1 >= args.Length)
        {
            Console.Error.WriteLine("datasets needs --data DIR (a data directory with mnist/)");
            return 2;
        }

        Console.WriteLine(JsonSerializer.Serialize(DatasetBench.Run(args[dataAt + 1], 5), json));
        return 0;
    case "pb2-cost":
        var dataDirectory = Option("--data-dir") ?? Environment.GetEnvironmentVariable("COHORT_DATA") ?? "data";
        var workers = int.Parse(Option("--workers") ?? Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        Console.WriteLine(JsonSerializer.Serialize(new { pb2_cost = Pb2Bench.Cost(dataDirectory, seeds, workers, args.Contains("--previous-defaults"), rounds: int.Parse(Option("--rounds") ?? "1", CultureInfo.InvariantCulture)) }, json));
        return 0;
    case "pb2-replay":
        var replayData = Option("--data-dir") ?? Environment.GetEnvironmentVariable("COHORT_DATA") ?? "data";
        var repeats = int.Parse(Option("--repeats") ?? "10", CultureInfo.InvariantCulture);
        Console.WriteLine(JsonSerializer.Serialize(new { pb2_replay_seconds = Pb2Bench.Replay(replayData, 1, repeats, args.Contains("--previous-defaults") ? Pb2Bench.PreviousDefaults : null) }, json));
        return 0;
    case "pb2-vs-pbt":
        Console.WriteLine(JsonSerializer.Serialize(new { pb2_vs_pbt = Pb2Bench.Sanity(seeds) }, json));
        return 0;
    default:
        Console.Error.WriteLine($"unknown mode '{mode}'; use throughput, gemm, gemm-shapes, conv, datasets, pb2-cost, pb2-replay, pb2-vs-pbt, torch, bookkeeping or store-append");
        return 2;
}
