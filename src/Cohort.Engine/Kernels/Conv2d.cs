using System.Numerics.Tensors;

namespace Cohort.Engine.Kernels;

/// <summary>
/// 2-D convolution (cross-correlation, as in every deep-learning framework) over NCHW float32 tensors, by im2col
/// lowering and GEMM (Chellapilla et al. 2006; LeNet-5 in paper 000 sec. 4.2):
/// output[b, oc] = weight[oc, :] · im2col(input[b]) + bias[oc].
/// <para>
/// Threads split the batch into at most <see cref="MaxChunks"/> fixed chunks of images (the split depends only on the
/// batch size); each chunk's weight and bias gradient is summed over its images in order into its own slot, and the
/// slots are summed in chunk order. Results are therefore bitwise identical for any <c>threads</c>.
/// </para>
/// <para>
/// The three products per image (forward W·cols, weight gradient dY·colsᵀ, input gradient Wᵀ·dY) each run on
/// <see cref="Gemm.Compute"/> or on the convolution-shaped <see cref="ConvGemm"/>, whichever measured faster for the
/// shape (see ConvBench); the choice depends on the shape only. <see cref="ForwardKeepingColumns"/> and
/// <see cref="BackwardFromKeptColumns"/> keep the batch's im2col matrices between the passes: faster when they fit
/// in cache (LeNet-5 at batch 32: −13 %), no gain at batch 128.
/// </para>
/// </summary>
public static class Conv2d
{
    /// <summary>The batch is split into min(Batch, MaxChunks) chunks of consecutive images.</summary>
    public const int MaxChunks = 16;

    /// <summary>
    /// Floats of scratch <see cref="Forward"/> and <see cref="Backward"/> need to run on up to
    /// <see cref="Environment.ProcessorCount"/> threads (fewer threads need less; see the overload).
    /// </summary>
    public static int WorkspaceLength(in Conv2dShape s) => WorkspaceLength(s, Environment.ProcessorCount);

    /// <summary>
    /// Floats of scratch for running on <paramref name="threads"/> threads: per-chunk gradient partials plus one
    /// im2col buffer per thread. A smaller workspace is accepted as long as it holds one buffer; the kernels then use
    /// as many threads as it holds buffers for (results do not depend on it).
    /// </summary>
    public static int WorkspaceLength(in Conv2dShape s, int threads)
    {
        s.Validate();
        var workers = Math.Clamp(threads, 1, Chunks(s));
        var total = PartialsLength(s) + (long)workers * WorkerLength(s);
        if (total > int.MaxValue)
        {
            throw new ArgumentException($"Workspace for {s} on {threads} threads exceeds int.MaxValue floats.", nameof(threads));
        }

        return (int)total;
    }

    /// <summary>
    /// Floats of scratch for <see cref="ForwardKeepingColumns"/> and <see cref="BackwardFromKeptColumns"/>:
    /// <see cref="WorkspaceLength(in Conv2dShape, int)"/> plus the im2col matrix of every image in the batch
    /// (Batch·C·KH·KW·OH·OW floats).
    /// </summary>
    public static int WorkspaceLengthKeepingColumns(in Conv2dShape s, int threads)
    {
        var total = (long)WorkspaceLength(s, threads) + (long)s.Batch * ColumnsLength(s);
        if (total > int.MaxValue)
        {
            throw new ArgumentException($"Workspace for {s} keeping columns exceeds int.MaxValue floats.", nameof(threads));
        }

        return (int)total;
    }

    /// <summary>
    /// <see cref="Forward(in Conv2dShape, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float},
    /// Span{float}, int)"/> that also keeps every image's im2col matrix at the end of <paramref name="workspace"/>
    /// (sized by <see cref="WorkspaceLengthKeepingColumns"/>), so that <see cref="BackwardFromKeptColumns"/> can skip
    /// recomputing them. Same results, bit for bit.
    /// </summary>
    public static void ForwardKeepingColumns(
        in Conv2dShape s, ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias,
        Span<float> output, Span<float> workspace, int threads = 1)
    {
        var kept = KeptColumns(s, workspace, threads);
        Forward(s, input, weight, bias, output, workspace, kept, threads, ConvProducts.Auto, keep: true);
    }

    /// <summary>
    /// <see cref="Backward(in Conv2dShape, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float},
    /// Span{float}, Span{float}, Span{float}, int)"/> reading the im2col matrices kept by the last
    /// <see cref="ForwardKeepingColumns"/> on this <paramref name="workspace"/>. The caller guarantees that call was
    /// on the same shape and the same <paramref name="input"/> contents (the kernel cannot check it); input is then
    /// used only for its length. Same results, bit for bit, as <see cref="Backward(in Conv2dShape,
    /// ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float}, Span{float},
    /// Span{float}, int)"/>.
    /// </summary>
    public static void BackwardFromKeptColumns(
        in Conv2dShape s, ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> outputGrad,
        Span<float> inputGrad, Span<float> weightGrad, Span<float> biasGrad, Span<float> workspace, int threads = 1)
    {
        var kept = KeptColumns(s, workspace, threads);
        Backward(s, input, weight, outputGrad, inputGrad, weightGrad, biasGrad, workspace, kept, threads,
            ConvProducts.Auto, fromKept: true);
    }

    /// <summary>
    /// Forward pass. input [B, C, H, W], weight [OutC, C·KH·KW], bias [OutC], output [B, OutC, OH, OW] (overwritten).
    /// </summary>
    public static void Forward(
        in Conv2dShape s, ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias,
        Span<float> output, Span<float> workspace, int threads = 1) =>
        Forward(s, input, weight, bias, output, workspace, threads, ConvProducts.Auto);

    /// <summary>As the public overload, with the choice of matrix-product kernels made explicit (benchmarks, tests).</summary>
    internal static void Forward(
        in Conv2dShape s, ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias,
        Span<float> output, Span<float> workspace, int threads, ConvProducts products) =>
        Forward(s, input, weight, bias, output, workspace, workspace.Length, threads, products, keep: false);

    private static void Forward(
        in Conv2dShape s, ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias,
        Span<float> output, Span<float> workspace, int keptAt, int threads, ConvProducts products, bool keep)
    {
        s.Validate();
        Expect(input.Length, s.Batch * s.InputImageLength, nameof(input));
        Expect(weight.Length, s.WeightLength, nameof(weight));
        Expect(bias.Length, s.OutChannels, nameof(bias));
        Expect(output.Length, s.Batch * s.OutputImageLength, nameof(output));
        var workers = Workers(s, keptAt, threads);
        unsafe
        {
            fixed (float* pIn = input, pW = weight, pB = bias, pOut = output, pWs = workspace)
            {
                var job = new Job(s, pIn, pW, pB, pOut, null, null, null, null, pWs, products, keep ? pWs + keptAt : null);
                if (workers == 1)
                {
                    job.ForwardWorker(0, 1);
                }
                else
                {
                    RunParallel(job, workers, backward: false);
                }
            }
        }
    }

    /// <summary>
    /// Backward pass: weightGrad [OutC, C·KH·KW] and biasGrad [OutC] are overwritten with this batch's gradient
    /// (summed over the batch); inputGrad [B, C, H, W] is overwritten, or skipped when it is empty.
    /// </summary>
    public static void Backward(
        in Conv2dShape s, ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> outputGrad,
        Span<float> inputGrad, Span<float> weightGrad, Span<float> biasGrad, Span<float> workspace, int threads = 1) =>
        Backward(s, input, weight, outputGrad, inputGrad, weightGrad, biasGrad, workspace, threads, ConvProducts.Auto);

    /// <summary>As the public overload, with the choice of matrix-product kernels made explicit (benchmarks, tests).</summary>
    internal static void Backward(
        in Conv2dShape s, ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> outputGrad,
        Span<float> inputGrad, Span<float> weightGrad, Span<float> biasGrad, Span<float> workspace, int threads,
        ConvProducts products) =>
        Backward(s, input, weight, outputGrad, inputGrad, weightGrad, biasGrad, workspace, workspace.Length, threads,
            products, fromKept: false);

    private static void Backward(
        in Conv2dShape s, ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> outputGrad,
        Span<float> inputGrad, Span<float> weightGrad, Span<float> biasGrad, Span<float> workspace, int keptAt,
        int threads, ConvProducts products, bool fromKept)
    {
        s.Validate();
        Expect(input.Length, s.Batch * s.InputImageLength, nameof(input));
        Expect(weight.Length, s.WeightLength, nameof(weight));
        Expect(outputGrad.Length, s.Batch * s.OutputImageLength, nameof(outputGrad));
        if (!inputGrad.IsEmpty)
        {
            Expect(inputGrad.Length, s.Batch * s.InputImageLength, nameof(inputGrad));
        }

        Expect(weightGrad.Length, s.WeightLength, nameof(weightGrad));
        Expect(biasGrad.Length, s.OutChannels, nameof(biasGrad));
        var workers = Workers(s, keptAt, threads);
        unsafe
        {
            fixed (float* pIn = input, pW = weight, pDy = outputGrad, pDx = inputGrad, pDw = weightGrad,
                   pDb = biasGrad, pWs = workspace)
            {
                var job = new Job(
                    s, pIn, pW, null, null, pDy, inputGrad.IsEmpty ? null : pDx, pDw, pDb, pWs, products,
                    fromKept ? pWs + keptAt : null);
                if (workers == 1)
                {
                    job.BackwardWorker(0, 1);
                }
                else
                {
                    RunParallel(job, workers, backward: true);
                }

                job.ReduceGradients();
            }
        }
    }

    // Separate method: a lambda capturing job in Forward/Backward would allocate its closure on every call.
    private static void RunParallel(Job job, int workers, bool backward) =>
        Parallel.For(
            0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers },
            w =>
            {
                if (backward)
                {
                    job.BackwardWorker(w, workers);
                }
                else
                {
                    job.ForwardWorker(w, workers);
                }
            });

    internal static int Chunks(in Conv2dShape s) => Math.Min(s.Batch, MaxChunks);

    private static int PartialsLength(in Conv2dShape s) => Chunks(s) * (s.WeightLength + s.OutChannels);

    private static int ColumnsLength(in Conv2dShape s) => s.PatchSize * s.OutHeight * s.OutWidth;

    /// <summary>Per-thread scratch: the im2col buffer, then 16 lane partials per weight (see ConvGemm.DotProductLanes).</summary>
    private static int WorkerLength(in Conv2dShape s) => ColumnsLength(s) + ConvGemm.Wide * s.WeightLength;

    /// <summary>Where the kept columns start: the end of the workspace minus Batch im2col matrices.</summary>
    private static int KeptColumns(in Conv2dShape s, Span<float> workspace, int threads)
    {
        s.Validate();
        var kept = (long)s.Batch * ColumnsLength(s);
        var need = PartialsLength(s) + WorkerLength(s) + kept;
        if (workspace.Length < need)
        {
            throw new ArgumentException(
                $"workspace has {workspace.Length} floats but keeping the columns of {s} needs at least {need} " +
                $"(WorkspaceLengthKeepingColumns gives {WorkspaceLengthKeepingColumns(s, threads)} for {threads} threads).");
        }

        return (int)(workspace.Length - kept);
    }

    private static int Workers(in Conv2dShape s, int workspaceLength, int threads)
    {
        if (threads < 1)
        {
            throw new ArgumentException($"threads must be at least 1 but is {threads}.", nameof(threads));
        }

        var partials = PartialsLength(s);
        var columns = WorkerLength(s);
        if (workspaceLength < partials + columns)
        {
            throw new ArgumentException(
                $"workspace has {workspaceLength} floats but {s} needs at least {partials + columns} " +
                $"(WorkspaceLength gives {WorkspaceLength(s, threads)} for {threads} threads).");
        }

        return Math.Min(Math.Min(threads, Chunks(s)), (workspaceLength - partials) / columns);
    }

    private static void Expect(int actual, int expected, string name)
    {
        if (actual != expected)
        {
            throw new ArgumentException($"{name} has {actual} floats but the shape needs {expected}.", name);
        }
    }

    /// <summary>Pinned operands of one call; chunk c covers images [c·B/chunks, (c+1)·B/chunks).</summary>
    private readonly unsafe struct Job
    {
        private readonly Conv2dShape _s;
        private readonly float* _input;
        private readonly float* _weight;
        private readonly float* _bias;
        private readonly float* _output;
        private readonly float* _outputGrad;
        private readonly float* _inputGrad;
        private readonly float* _weightGrad;
        private readonly float* _biasGrad;
        private readonly float* _workspace;
        private readonly float* _kept;
        private readonly bool _gemmForward;
        private readonly bool _gemmWeightGrad;
        private readonly bool _gemmInputGrad;

        public Job(
            in Conv2dShape s, float* input, float* weight, float* bias, float* output, float* outputGrad,
            float* inputGrad, float* weightGrad, float* biasGrad, float* workspace, ConvProducts products,
            float* kept)
        {
            _kept = kept;
            // Auto, as measured on LeNet-5's shapes (ConvBench parts, Zen 4, µs per image, ConvGemm vs Gemm.Compute):
            // forward 1→6 on 28x28: 1.1 vs 2.1; forward 6→16 on 14x14: 2.9 vs 3.3; input gradient of 6→16: 2.7 vs
            // 5.1; weight gradient with 784 positions: 2.1 vs 4.2, with 100 positions: 4.9 vs 3.6 (Gemm.Compute's
            // AVX-512 kernel wins short reductions). The choice depends on the shape only, never on the threads.
            var positions = s.OutHeight * s.OutWidth;
            _gemmForward = products == ConvProducts.Gemm;
            _gemmWeightGrad = products == ConvProducts.Gemm || (products == ConvProducts.Auto && positions < 256);
            _gemmInputGrad = products == ConvProducts.Gemm;
            _s = s;
            _input = input;
            _weight = weight;
            _bias = bias;
            _output = output;
            _outputGrad = outputGrad;
            _inputGrad = inputGrad;
            _weightGrad = weightGrad;
            _biasGrad = biasGrad;
            _workspace = workspace;
        }

        private int ChunkStart(int chunk) => (int)((long)chunk * _s.Batch / Chunks(_s));

        private Span<float> Columns(int worker) =>
            new(_workspace + PartialsLength(_s) + (long)worker * WorkerLength(_s), ColumnsLength(_s));

        private float* Lanes(int worker) =>
            _workspace + PartialsLength(_s) + (long)worker * WorkerLength(_s) + ColumnsLength(_s);

        /// <summary>Image b's kept im2col matrix, when this call keeps or reads them.</summary>
        private Span<float> Kept(int b) => new(_kept + (long)b * ColumnsLength(_s), ColumnsLength(_s));

        private Span<float> Partial(int chunk)
        {
            var len = _s.WeightLength + _s.OutChannels;
            return new Span<float>(_workspace + (long)chunk * len, len);
        }

        public void ForwardWorker(int worker, int workers)
        {
            var s = _s;
            int k = s.PatchSize, n = s.OutHeight * s.OutWidth, m = s.OutChannels;
            var columns = Columns(worker);
            var weight = new ReadOnlySpan<float>(_weight, s.WeightLength);
            var bias = new ReadOnlySpan<float>(_bias, m);
            var chunks = Chunks(s);
            for (var c = worker; c < chunks; c += workers)
            {
                for (int b = ChunkStart(c), end = ChunkStart(c + 1); b < end; b++)
                {
                    var image = new ReadOnlySpan<float>(_input + (long)b * s.InputImageLength, s.InputImageLength);
                    var output = new Span<float>(_output + (long)b * s.OutputImageLength, s.OutputImageLength);
                    if (_kept != null)
                    {
                        columns = Kept(b);
                    }

                    Im2Col.ComputeUnchecked(s, image, columns, n);
                    if (_gemmForward)
                    {
                        Gemm.Compute(Transpose.No, Transpose.No, m, n, k, 1f, weight, k, columns, n, 0f, output, n);
                        for (var oc = 0; oc < m; oc++)
                        {
                            var row = output.Slice(oc * n, n);
                            TensorPrimitives.Add(row, bias[oc], row);
                        }
                    }
                    else
                    {
                        fixed (float* pc = columns, po = output)
                        {
                            ConvGemm.BroadcastProduct(m, n, k, _weight, k, 1, pc, n, po, n, _bias);
                        }
                    }
                }
            }
        }

        public void BackwardWorker(int worker, int workers)
        {
            var s = _s;
            int k = s.PatchSize, n = s.OutHeight * s.OutWidth, m = s.OutChannels;
            var columns = Columns(worker);
            var weight = new ReadOnlySpan<float>(_weight, s.WeightLength);
            var chunks = Chunks(s);
            for (var c = worker; c < chunks; c += workers)
            {
                var partial = Partial(c);
                var dw = partial[..s.WeightLength];
                var db = partial[s.WeightLength..];
                for (int b = ChunkStart(c), end = ChunkStart(c + 1); b < end; b++)
                {
                    var first = b == ChunkStart(c);
                    var image = new ReadOnlySpan<float>(_input + (long)b * s.InputImageLength, s.InputImageLength);
                    var dy = new ReadOnlySpan<float>(_outputGrad + (long)b * s.OutputImageLength, s.OutputImageLength);
                    var cols = columns;
                    if (_kept != null)
                    {
                        cols = Kept(b);
                    }
                    else
                    {
                        Im2Col.ComputeUnchecked(s, image, columns, n);
                    }

                    // dW (+)= dY · colsᵀ, db (+)= Σ dY over positions.
                    if (_gemmWeightGrad)
                    {
                        Gemm.Compute(Transpose.No, Transpose.Yes, m, k, n, 1f, dy, n, cols, n, first ? 0f : 1f, dw, k);
                    }
                    else
                    {
                        fixed (float* pc = cols)
                        {
                            var pdy = _outputGrad + (long)b * s.OutputImageLength;
                            if (ConvGemm.UseWideLanes)
                            {
                                ConvGemm.DotProductLanes512(m, k, n, pdy, n, pc, n, Lanes(worker), first);
                            }
                            else
                            {
                                ConvGemm.DotProductLanes(m, k, n, pdy, n, pc, n, Lanes(worker), first);
                            }
                        }
                    }

                    for (var oc = 0; oc < m; oc++)
                    {
                        var g = TensorPrimitives.Sum(dy.Slice(oc * n, n));
                        db[oc] = first ? g : db[oc] + g;
                    }

                    if (_inputGrad != null)
                    {
                        // dcols = Wᵀ · dY, then dX = col2im(dcols).
                        if (_gemmInputGrad)
                        {
                            Gemm.Compute(Transpose.Yes, Transpose.No, k, n, m, 1f, weight, k, dy, n, 0f, columns, n);
                        }
                        else
                        {
                            fixed (float* pc = columns)
                            {
                                ConvGemm.BroadcastProduct(
                                    k, n, m, _weight, 1, k, _outputGrad + (long)b * s.OutputImageLength, n, pc, n, null);
                            }
                        }

                        var dx = new Span<float>(_inputGrad + (long)b * s.InputImageLength, s.InputImageLength);
                        dx.Clear();
                        Im2Col.Col2ImUnchecked(s, columns, dx, n);
                    }
                }

                if (!_gemmWeightGrad)
                {
                    fixed (float* pdw = dw)
                    {
                        if (ConvGemm.UseWideLanes)
                        {
                            ConvGemm.ReduceLanes512(m, k, Lanes(worker), pdw, k);
                        }
                        else
                        {
                            ConvGemm.ReduceLanes(m, k, Lanes(worker), pdw, k);
                        }
                    }
                }
            }
        }

        public void ReduceGradients()
        {
            var s = _s;
            var dw = new Span<float>(_weightGrad, s.WeightLength);
            var db = new Span<float>(_biasGrad, s.OutChannels);
            var p0 = Partial(0);
            p0[..s.WeightLength].CopyTo(dw);
            p0[s.WeightLength..].CopyTo(db);
            for (var c = 1; c < Chunks(s); c++)
            {
                var p = Partial(c);
                TensorPrimitives.Add(dw, p[..s.WeightLength], dw);
                TensorPrimitives.Add(db, p[s.WeightLength..], db);
            }
        }
    }
}

/// <summary>Which matrix-product kernels <see cref="Conv2d"/> uses (results differ in rounding only).</summary>
internal enum ConvProducts
{
    /// <summary>Per product, whichever measured faster for the shape (see Conv2d.Job).</summary>
    Auto,

    /// <summary>Every product through <see cref="Gemm.Compute"/>.</summary>
    Gemm,

    /// <summary>Every product through <see cref="ConvGemm"/>.</summary>
    Specialised,
}
