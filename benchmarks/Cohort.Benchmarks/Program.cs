using System.Diagnostics;
using Cohort.Engine.Kernels;
if (args.Length > 0 && args[0] == "parts")
{
    var s = new Conv2dShape(1, 6, 14, 14, 16, 5, 5);
    var img = new float[s.InputImageLength];
    var col = new float[s.PatchSize * 100];
    var w = new float[s.WeightLength];
    var bias = new float[16];
    var o = new float[1600];
    for (var i = 0; i < img.Length; i++) img[i] = i % 7;
    double Min(Action a) { var best = double.MaxValue; for (var r = 0; r < 2000; r++) { var t = Stopwatch.GetTimestamp(); a(); best = Math.Min(best, Stopwatch.GetTimestamp() - t); } return best / Stopwatch.Frequency * 1e6; }
    Console.WriteLine($"im2col {Min(() => Im2Col.Compute(s, img, col)):F2} us");
    unsafe
    {
        Console.WriteLine($"gemm fwd {Min(() => { fixed (float* pw = w, pc = col, po = o, pb = bias) ConvGemm.BroadcastProduct(16, 100, 150, pw, 150, 1, pc, 100, po, 100, pb); }):F2} us");
        Console.WriteLine($"gemm dcol {Min(() => { fixed (float* pw = w, pc = col, po = o) ConvGemm.BroadcastProduct(150, 100, 16, pw, 1, 150, po, 100, pc, 100, null); }):F2} us");
        var dw = new float[w.Length * 8];
        Console.WriteLine($"gemm dw {Min(() => { fixed (float* pdw = dw, pc = col, po = o) ConvGemm.DotProductLanes(16, 150, 100, po, 100, pc, 100, pdw, false); }):F2} us");
        Console.WriteLine($"col2im {Min(() => Im2Col.Col2Im(s, col, img)):F2} us");
    }
    var ps = new PoolShape(32, 6, 28, 28, 2, 2);
    var pin = new float[ps.InputLength]; var rr = new Random(3); for (var i = 0; i < pin.Length; i++) pin[i] = (float)rr.NextDouble(); var pout = new float[ps.OutputLength]; var parg = new int[ps.OutputLength];
    Console.WriteLine($"maxpool1 b32 {Min(() => Pooling.MaxForward(ps, pin, pout, parg)):F2} us");
    Console.WriteLine($"maxpool1 bwd b32 {Min(() => Pooling.MaxBackward(ps, pout, parg, pin)):F2} us");
    return 0;
}
Cohort.Benchmarks.ConvBench.Run(args.Length > 0 ? double.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 1.0, args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1);
return 0;
