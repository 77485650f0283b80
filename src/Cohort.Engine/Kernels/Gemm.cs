using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Cohort.Engine.Kernels;

/// <summary>Whether a GEMM operand is used as stored or transposed.</summary>
public enum Transpose
{
    No,
    Yes,
}

/// <summary>The instruction-set path a GEMM runs on (for tests and benchmarks).</summary>
internal enum GemmIsa
{
    Scalar,
    Vector256,
    Vector512,
}

/// <summary>
/// General matrix multiply, BLAS style, row-major: C = alpha · op(A) · op(B) + beta · C, where op(A) is m×k and
/// op(B) is k×n. lda/ldb/ldc are the row strides of the stored matrices. beta = 0 overwrites C (NaN in C is
/// ignored). Results are bitwise identical for any <c>threads</c>.
/// </summary>
/// <remarks>
/// <para>Algorithm: the layered GEMM of Goto and van de Geijn ("Anatomy of High-Performance Matrix Multiplication",
/// ACM TOMS 34(3), 2008) in the loop order of BLIS (Van Zee and van de Geijn, ACM TOMS 41(3), 2015). For each column block of C of
/// width NC = <see cref="Nc"/>, for each k-block of depth kc ≤ KC = <see cref="KcMax"/>, op(B)'s kc×nc block is packed
/// into micro-panels NR columns wide (element (p, j) at [p·NR + j]); for each row block of height MC = <see cref="Mc"/>,
/// op(A)'s mc×kc block is packed into micro-panels MR rows tall (element (i, p) at [p·MR + i]); the macro-kernel
/// then runs the register-blocked micro-kernel for every (NR-panel, MR-panel) pair, the NR-panel staying in L1
/// while MR-panels stream from L2. Packing performs the transposes (AVX-512 16×16 in-register transposes), so one
/// micro-kernel serves all four cases; panels are zero-padded, so ragged edges run the same full-size kernel and
/// masked stores write only the valid part of C.</para>
/// <para>Blocking: KC = 256 (a 32-wide B micro-panel is 32 KiB, in the 48 KiB L1), MC = 192 (A block 192 KiB in
/// the 1 MiB L2), NC = 2048. Micro-kernels: AVX-512 12×32 (24 zmm accumulators, two B loads and twelve broadcasts
/// per 24 FMAs), with a 4×32 kernel for remainder rows; AVX2+FMA 6×16 (2×16 for remainders); scalar 4×4.</para>
/// <para>Small and skinny shapes: when C has a single row block and B is not transposed, B is read in place (only
/// a ragged last panel is packed); when C is narrow (few columns), Cᵀ = op(B)ᵀ·op(A)ᵀ is computed instead with
/// tiles stored transposed; calls of fewer than <see cref="MinMultiplyAddsPerThread"/> multiply-adds per thread stay
/// on the calling thread.</para>
/// <para>Determinism: the k-blocks depend only on k, and each element of C is
/// c = alpha·(Σ_p a_ip·b_pj) + beta·c, the inner sum taken by fused multiply-adds from zero in increasing p within
/// each k-block, the k-blocks added into C in order. Nothing in an element's value depends on which tile, kernel
/// variant, orientation or thread computes it, so any partition of C over threads gives the same bits. Threads
/// split C into contiguous slabs of whole micro-tiles and each computes its slab whole. Different ISA paths (FMA or
/// separate multiply and add) may differ in the last bits.</para>
/// </remarks>
public static class Gemm
{
    /// <summary>Maximum depth of a k-block (the BLIS KC).</summary>
    internal const int KcMax = 256;

    /// <summary>Height of a packed block of A (the BLIS MC); a multiple of every kernel's MR.</summary>
    internal const int Mc = 192;

    /// <summary>Width of a packed block of B (the BLIS NC); a multiple of every kernel's NR.</summary>
    internal const int Nc = 2048;

    /// <summary>Whether op(B) may be read in place when it is not transposed (for measurements).</summary>
    internal static bool DirectB { get; set; } = true;

    /// <summary>
    /// Each thread gets at least this many multiply-adds (m·n·k / threads, about 10 µs of work), so small calls stay
    /// on the calling thread: waking a blocked worker costs 5–30 µs (more on a busy machine).
    /// </summary>
    internal const long MinMultiplyAddsPerThread = 1L << 20;

    [ThreadStatic]
    private static GemmJob? t_job;

    /// <summary>Forces an ISA path for GEMMs issued by the current thread (null: the best available).</summary>
    [ThreadStatic]
    internal static GemmIsa? t_isaOverride;

    /// <summary>The fastest ISA path this machine supports.</summary>
    internal static GemmIsa BestIsa { get; } =
        Vector512.IsHardwareAccelerated && Avx512F.IsSupported ? GemmIsa.Vector512
        : Fma.IsSupported && Avx.IsSupported ? GemmIsa.Vector256
        : GemmIsa.Scalar;

    /// <summary>Whether <paramref name="isa"/> can run on this machine.</summary>
    internal static bool IsSupported(GemmIsa isa) => isa switch
    {
        GemmIsa.Vector512 => BestIsa == GemmIsa.Vector512,
        GemmIsa.Vector256 => BestIsa != GemmIsa.Scalar,
        _ => true,
    };

    /// <summary>
    /// C = alpha · op(A) · op(B) + beta · C (row-major). op(X) = X or Xᵀ per <paramref name="transA"/> /
    /// <paramref name="transB"/>; A is stored m×k (k×m when transposed) with row stride <paramref name="lda"/>,
    /// B is stored k×n (n×k when transposed) with row stride <paramref name="ldb"/>, C is m×n with row stride
    /// <paramref name="ldc"/>. <paramref name="threads"/> bounds the threads used; the result does not depend on it.
    /// </summary>
    public static void Compute(
        Transpose transA, Transpose transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        float beta, Span<float> c, int ldc, int threads = 1) =>
        Compute(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, threads, t_isaOverride ?? BestIsa);

    /// <summary>As the public overload, on a given ISA path.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static unsafe void Compute(
        Transpose transA, Transpose transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        float beta, Span<float> c, int ldc, int threads, GemmIsa isa)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        if (!IsSupported(isa))
        {
            throw new PlatformNotSupportedException($"GEMM path {isa} is not supported on this machine.");
        }

        var (aRows, aCols) = transA == Transpose.No ? (m, k) : (k, m);
        var (bRows, bCols) = transB == Transpose.No ? (k, n) : (n, k);
        CheckOperand(nameof(a), a.Length, aRows, aCols, lda, nameof(lda));
        CheckOperand(nameof(b), b.Length, bRows, bCols, ldb, nameof(ldb));
        CheckOperand(nameof(c), c.Length, m, n, ldc, nameof(ldc));
        if (m == 0 || n == 0)
        {
            return;
        }

        fixed (float* pa = a, pb = b, pc = c)
        {
            if (k == 0 || alpha == 0f)
            {
                ScaleC(pc, m, n, ldc, beta);
                return;
            }

            var (mr, mrs, nr) = isa switch
            {
                GemmIsa.Vector512 => (GemmKernel512.Mr, GemmKernel512.MrSmall, GemmKernel512.Nr),
                GemmIsa.Vector256 => (GemmKernel256.Mr, GemmKernel256.MrSmall, GemmKernel256.Nr),
                _ => (GemmKernelScalar.Mr, GemmKernelScalar.MrSmall, GemmKernelScalar.Nr),
            };

            // A narrow C (few columns, many rows) wastes most of each NR-wide tile; then compute
            // Cᵀ = op(B)ᵀ · op(A)ᵀ instead and store the tiles transposed. Each element is the same sum of the
            // same products in the same order (a·b = b·a exactly), so the choice does not change any bits.
            var cost = (long)PaddedRows(m, mr, mrs) * RoundUp(n, nr);
            var swappedCost = (long)PaddedRows(n, mr, mrs) * RoundUp(m, nr);
            GemmArgs args;
            if (10 * swappedCost < 9 * cost)
            {
                var ta = transB == Transpose.No ? Transpose.Yes : Transpose.No;
                var tb = transA == Transpose.No ? Transpose.Yes : Transpose.No;
                args = new GemmArgs(ta, tb, n, m, k, alpha, pb, ldb, pa, lda, beta, pc, ldc, transposedC: true);
                (m, n) = (n, m);
            }
            else
            {
                args = new GemmArgs(transA, transB, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc, transposedC: false);
            }

            var parts = (int)Math.Min(threads, Math.Max(1, (long)m * n * k / MinMultiplyAddsPerThread));
            var rowUnits = (m + mr - 1) / mr;
            var colUnits = (n + nr - 1) / nr;
            var splitColumns = colUnits >= rowUnits;
            parts = Math.Min(parts, splitColumns ? colUnits : rowUnits);
            if (parts <= 1)
            {
                Run(isa, in args, 0, m, 0, n);
                return;
            }

            var job = t_job ??= new GemmJob();
            job.Set(isa, args, parts, splitColumns, splitColumns ? colUnits : rowUnits, splitColumns ? nr : mr);
            try
            {
                CpuWorkerPool.Run(job, parts);
            }
            finally
            {
                job.Clear();
            }
        }
    }

    private static int RoundUp(int x, int multiple) => (x + multiple - 1) / multiple * multiple;

    /// <summary>Rows computed for <paramref name="rows"/> rows of C, after rounding up to micro-panels.</summary>
    private static int PaddedRows(int rows, int mr, int mrs)
    {
        var total = 0;
        while (rows > 0)
        {
            var h = rows > mr - mrs ? mr : mrs;
            total += h;
            rows -= h;
        }

        return total;
    }

    private static void CheckOperand(string name, int length, int rows, int cols, int ld, string ldName)
    {
        if (ld < Math.Max(1, cols))
        {
            throw new ArgumentOutOfRangeException(ldName, ld, $"Row stride must be at least max(1, {cols}).");
        }

        var needed = rows == 0 || cols == 0 ? 0L : ((long)(rows - 1) * ld) + cols;
        if (length < needed)
        {
            throw new ArgumentException(
                $"Span '{name}' has {length} elements but a {rows}×{cols} matrix with row stride {ld} needs {needed}.",
                name);
        }
    }

    private static unsafe void ScaleC(float* c, int m, int n, int ldc, float beta)
    {
        for (var i = 0; i < m; i++)
        {
            var row = new Span<float>(c + ((nint)i * ldc), n);
            if (beta == 0f)
            {
                row.Clear();
            }
            else if (beta != 1f)
            {
                System.Numerics.Tensors.TensorPrimitives.Multiply(row, beta, row);
            }
        }
    }

    private static void Run(GemmIsa isa, in GemmArgs args, int row0, int row1, int col0, int col1)
    {
        switch (isa)
        {
            case GemmIsa.Vector512:
                GemmDriver<GemmKernel512>.Run(in args, row0, row1, col0, col1);
                break;
            case GemmIsa.Vector256:
                GemmDriver<GemmKernel256>.Run(in args, row0, row1, col0, col1);
                break;
            default:
                GemmDriver<GemmKernelScalar>.Run(in args, row0, row1, col0, col1);
                break;
        }
    }

    /// <summary>The parallel job: part p computes a fixed slab of C's columns (or rows), whole.</summary>
    private sealed class GemmJob : ICpuJob
    {
        private GemmArgs _args;
        private GemmIsa _isa;
        private int _parts;
        private bool _splitColumns;
        private int _units;
        private int _unitSize;

        public void Set(GemmIsa isa, in GemmArgs args, int parts, bool splitColumns, int units, int unitSize)
        {
            _isa = isa;
            _args = args;
            _parts = parts;
            _splitColumns = splitColumns;
            _units = units;
            _unitSize = unitSize;
        }

        public void Clear() => _args = default;

        public void Execute(int part)
        {
            var u0 = (int)((long)_units * part / _parts);
            var u1 = (int)((long)_units * (part + 1) / _parts);
            if (_splitColumns)
            {
                Run(_isa, in _args, 0, _args.M, u0 * _unitSize, Math.Min(_args.N, u1 * _unitSize));
            }
            else
            {
                Run(_isa, in _args, u0 * _unitSize, Math.Min(_args.M, u1 * _unitSize), 0, _args.N);
            }
        }
    }
}

/// <summary>The operands of one GEMM call, as raw pointers (valid while the caller keeps them pinned).</summary>
internal readonly unsafe struct GemmArgs(
    Transpose transA, Transpose transB, int m, int n, int k, float alpha,
    float* a, int lda, float* b, int ldb, float beta, float* c, int ldc, bool transposedC)
{
    public readonly Transpose TransA = transA;
    public readonly Transpose TransB = transB;
    public readonly int M = m;
    public readonly int N = n;
    public readonly int K = k;
    public readonly float Alpha = alpha;
    public readonly float* A = a;
    public readonly nint Lda = lda;
    public readonly float* B = b;
    public readonly nint Ldb = ldb;
    public readonly float Beta = beta;
    public readonly float* C = c;
    public readonly nint Ldc = ldc;

    /// <summary>C is stored transposed: element (i, j) of this product lives at c[j·ldc + i].</summary>
    public readonly bool TransposedC = transposedC;
}

/// <summary>Per-thread packing buffers, 64-byte aligned, grown once and reused (no per-call garbage).</summary>
internal sealed unsafe class GemmWorkspace
{
    [ThreadStatic]
    private static GemmWorkspace? t_current;

    private float[] _buffer = [];
    private float* _aligned;
    private int _capacity;

    public static GemmWorkspace Current => t_current ??= new GemmWorkspace();

    /// <summary>Returns an aligned region of at least <paramref name="floats"/> elements.</summary>
    public float* Get(int floats)
    {
        if (floats > _capacity)
        {
            var capacity = Math.Max(floats, _capacity * 2);
            _buffer = GC.AllocateUninitializedArray<float>(capacity + 16, pinned: true);
            var address = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_buffer));
            _aligned = (float*)((address + 63) & ~(nint)63);
            _capacity = capacity;
        }

        return _aligned;
    }
}

/// <summary>The blocked GEMM loops over one rectangle of C, specialised per micro-kernel.</summary>
internal static unsafe class GemmDriver<TKernel>
    where TKernel : struct, IGemmMicroKernel
{
    /// <summary>Height of the next A micro-panel given the rows left: a full MR panel unless a short one fits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int PanelHeight(int remaining) =>
        remaining > TKernel.Mr - TKernel.MrSmall ? TKernel.Mr : TKernel.MrSmall;

    /// <summary>Computes rows [row0, row1) × columns [col0, col1) of C.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(in GemmArgs g, int row0, int row1, int col0, int col1)
    {
        int mr = TKernel.Mr, nr = TKernel.Nr;
        var k = g.K;
        var kBlocks = (k + Gemm.KcMax - 1) / Gemm.KcMax;
        var kcBase = k / kBlocks;
        var kcExtra = k % kBlocks;
        var kcMax = kcBase + (kcExtra > 0 ? 1 : 0);

        var rows = row1 - row0;
        var cols = col1 - col0;
        var mcMax = Math.Min(Gemm.Mc, ((rows + mr - 1) / mr) * mr);
        var ncMax = Math.Min(Gemm.Nc, ((cols + nr - 1) / nr) * nr);
        var tileFloats = (2 * mr * nr) + 16;
        var aFloats = ((mcMax + mr) * kcMax) + 16;
        var bFloats = (ncMax * kcMax) + 16;

        var ws = GemmWorkspace.Current.Get(tileFloats + aFloats + bFloats);
        var tile = ws;
        var directB = g.TransB == Transpose.No && rows <= Gemm.Mc && Gemm.DirectB;
        var packA = ws + tileFloats;
        var packB = packA + aFloats;

        for (var jc = col0; jc < col1; jc += Gemm.Nc)
        {
            var nc = Math.Min(Gemm.Nc, col1 - jc);
            var p0 = 0;
            for (var q = 0; q < kBlocks; q++)
            {
                var kc = kcBase + (q < kcExtra ? 1 : 0);

                // With a single row block each B panel is used once, so op(B) = B is read in place (only a
                // ragged last panel is packed, zero-padded); otherwise packing pays for itself.
                var direct = directB ? nc / nr * nr : 0;
                PackB(in g, jc + direct, nc - direct, p0, kc, packB);
                for (var ic = row0; ic < row1; ic += Gemm.Mc)
                {
                    var mc = Math.Min(Gemm.Mc, row1 - ic);
                    PackA(in g, ic, mc, p0, kc, packA);
                    Macro(in g, ic, mc, jc, nc, kc, packA, packB, direct, g.B + (p0 * g.Ldb) + jc, tile, q == 0);
                }

                p0 += kc;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Macro(
        in GemmArgs g, int ic, int mc, int jc, int nc, int kc, float* packA, float* packB, int direct, float* bDirect,
        float* tile, bool first)
    {
        var nr = TKernel.Nr;
        var alpha = g.Alpha;
        var beta = g.Beta;
        var ldc = g.Ldc;
        for (var jr = 0; jr < nc; jr += nr)
        {
            var cols = Math.Min(nr, nc - jr);
            var bp = jr < direct ? bDirect + jr : packB + ((nint)(jr - direct) * kc);
            var bStride = jr < direct ? g.Ldb : nr;
            var ap = packA;
            for (var ir = 0; ir < mc;)
            {
                var h = PanelHeight(mc - ir);
                var rows = Math.Min(h, mc - ir);
                if (cols == nr && !g.TransposedC)
                {
                    // Full-width tile: the kernel updates C straight from its registers.
                    var cf = g.C + ((ic + ir) * ldc) + jc + jr;
                    if (h == TKernel.Mr)
                    {
                        TKernel.RunStore(kc, ap, bp, bStride, tile, rows, cf, ldc, alpha, beta, first);
                    }
                    else
                    {
                        TKernel.RunSmallStore(kc, ap, bp, bStride, tile, rows, cf, ldc, alpha, beta, first);
                    }

                    ap += h * kc;
                    ir += h;
                    continue;
                }

                if (h == TKernel.Mr)
                {
                    TKernel.Run(kc, ap, bp, bStride, tile);
                }
                else
                {
                    TKernel.RunSmall(kc, ap, bp, bStride, tile);
                }

                if (g.TransposedC)
                {
                    var transposed = tile + (TKernel.Mr * nr);
                    GemmPacking.Transpose16(tile, nr, rows, cols, transposed, TKernel.Mr, TKernel.Mr);

                    var ct = g.C + ((jc + jr) * ldc) + ic + ir;
                    TKernel.Update(transposed, TKernel.Mr, cols, rows, ct, ldc, alpha, beta, first);
                }
                else
                {
                    var cp = g.C + ((ic + ir) * ldc) + jc + jr;
                    TKernel.Update(tile, nr, rows, cols, cp, ldc, alpha, beta, first);
                }

                ap += h * kc;
                ir += h;
            }
        }
    }

    /// <summary>Packs rows [i0, i0+mc) × k-range [p0, p0+kc) of op(A) into zero-padded MR (or MR-small) panels.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackA(in GemmArgs g, int i0, int mc, int p0, int kc, float* dst)
    {
        var lda = g.Lda;
        for (var r = 0; r < mc;)
        {
            var h = PanelHeight(mc - r);
            var rows = Math.Min(h, mc - r);
            if (g.TransA == Transpose.No)
            {
                // element (i, p) at a[i·lda + p]: a transposing copy of `rows` rows (zero-padding included).
                GemmPacking.Transpose16(g.A + ((i0 + r) * lda) + p0, lda, rows, kc, dst, h, h);
                dst += h * kc;
                r += h;
                continue;
            }

            // element (i, p) at a[p·lda + i]: each p is a contiguous run of rows.
            GemmPacking.CopyRows(g.A + (p0 * lda) + i0 + r, lda, rows, kc, dst, h, h);
            dst += h * kc;
            r += h;
        }
    }

    /// <summary>Packs k-range [p0, p0+kc) × columns [j0, j0+nc) of op(B) into zero-padded NR-wide panels.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackB(in GemmArgs g, int j0, int nc, int p0, int kc, float* dst)
    {
        var nr = TKernel.Nr;
        var ldb = g.Ldb;
        for (var jr = 0; jr < nc; jr += nr)
        {
            var cols = Math.Min(nr, nc - jr);
            if (g.TransB == Transpose.No)
            {
                // element (p, j) at b[p·ldb + j]: each p is a contiguous run of columns.
                GemmPacking.CopyRows(g.B + (p0 * ldb) + j0 + jr, ldb, cols, kc, dst, nr, nr);
            }
            else
            {
                // element (p, j) at b[j·ldb + p]: transposing copies of 16 stored rows at a time.
                var src = g.B + ((j0 + jr) * ldb) + p0;
                for (var half = 0; half < nr; half += 16)
                {
                    var rows = Math.Clamp(cols - half, 0, 16);
                    GemmPacking.Transpose16(src + (half * ldb), ldb, rows, kc, dst + half, nr, Math.Min(16, nr - half));
                }
            }

            dst += nr * kc;
        }
    }
}
