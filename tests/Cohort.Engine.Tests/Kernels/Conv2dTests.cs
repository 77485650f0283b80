using Cohort.Engine.Kernels;

namespace Cohort.Engine.Tests.Kernels;

public sealed class Conv2dTests
{
    // Batch, InC, H, W, OutC, KH, KW, SH, SW, PH, PW
    public static IEnumerable<object[]> Shapes =>
    [
        [1, 1, 5, 5, 1, 3, 3, 1, 1, 0, 0],
        [3, 1, 7, 6, 2, 3, 3, 1, 1, 1, 1],
        [3, 2, 9, 7, 3, 5, 5, 1, 1, 2, 2],
        [1, 3, 8, 9, 4, 3, 2, 2, 2, 1, 0],
        [3, 2, 7, 7, 2, 3, 3, 2, 1, 0, 1],
        [2, 3, 6, 5, 5, 1, 1, 1, 1, 0, 0],
        [2, 2, 11, 13, 3, 5, 3, 2, 2, 2, 1],
        [1, 6, 14, 14, 16, 5, 5, 1, 1, 0, 0],
        [2, 1, 12, 12, 6, 5, 5, 1, 1, 2, 2],
        [1, 4, 9, 35, 7, 3, 3, 1, 1, 1, 1],
        [3, 2, 4, 4, 3, 3, 3, 1, 1, 0, 0],
    ];

    private static Conv2dShape Make(int b, int c, int h, int w, int oc, int kh, int kw, int sh, int sw, int ph, int pw) =>
        new(b, c, h, w, oc, kh, kw, sh, sw, ph, pw);

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Forward_Should_MatchDirectFloat64Loops_When_ShapeVaries(
        int b, int c, int h, int w, int oc, int kh, int kw, int sh, int sw, int ph, int pw)
    {
        // Given
        var s = Make(b, c, h, w, oc, kh, kw, sh, sw, ph, pw);
        var x = ConvReference.RandomArray(b * c * h * w, 1);
        var wt = ConvReference.RandomArray(s.WeightLength, 2);
        var bias = ConvReference.RandomArray(oc, 3);
        var y = new float[b * s.OutputImageLength];
        y.AsSpan().Fill(float.NaN);

        // When
        Conv2d.Forward(s, x, wt, bias, y, new float[Conv2d.WorkspaceLength(s)]);

        // Then
        ConvReference.AssertClose(ConvReference.Forward(s, x, wt, bias), y, 1e-5, "output");
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Backward_Should_MatchDirectFloat64Loops_When_ShapeVaries(
        int b, int c, int h, int w, int oc, int kh, int kw, int sh, int sw, int ph, int pw)
    {
        // Given
        var s = Make(b, c, h, w, oc, kh, kw, sh, sw, ph, pw);
        var x = ConvReference.RandomArray(b * c * h * w, 4);
        var wt = ConvReference.RandomArray(s.WeightLength, 5);
        var dy = ConvReference.RandomArray(b * s.OutputImageLength, 6);
        var dx = Filled(x.Length, float.NaN);
        var dw = Filled(wt.Length, float.NaN);
        var db = Filled(oc, float.NaN);

        // When
        Conv2d.Backward(s, x, wt, dy, dx, dw, db, new float[Conv2d.WorkspaceLength(s)]);

        // Then
        var (rdx, rdw, rdb) = ConvReference.Backward(s, x, wt, dy);
        ConvReference.AssertClose(rdx, dx, 1e-5, "inputGrad");
        ConvReference.AssertClose(rdw, dw, 1e-5, "weightGrad");
        ConvReference.AssertClose(rdb, db, 1e-5, "biasGrad");
    }

    [Theory]
    [InlineData(2, 3, 9, 8, 5, 3, 3, 1, 1, 1, 1, ConvProducts.Gemm)]
    [InlineData(2, 6, 14, 14, 16, 5, 5, 1, 1, 0, 0, ConvProducts.Gemm)]
    [InlineData(2, 1, 20, 20, 4, 5, 5, 1, 1, 2, 2, ConvProducts.Gemm)]
    [InlineData(2, 3, 9, 8, 5, 3, 3, 1, 1, 1, 1, ConvProducts.Specialised)]
    [InlineData(2, 6, 14, 14, 16, 5, 5, 1, 1, 0, 0, ConvProducts.Specialised)]
    [InlineData(3, 2, 7, 9, 13, 3, 3, 2, 1, 1, 0, ConvProducts.Specialised)]
    [InlineData(2, 1, 20, 20, 4, 5, 5, 1, 1, 2, 2, ConvProducts.Specialised)]
    [InlineData(3, 2, 4, 4, 3, 3, 3, 1, 1, 0, 0, ConvProducts.Specialised)]
    [InlineData(2, 3, 5, 9, 7, 3, 3, 1, 1, 0, 0, ConvProducts.Specialised)]
    internal void ForwardAndBackward_Should_MatchReference_When_ProductKernelsAreForced(
        int b, int c, int h, int w, int oc, int kh, int kw, int sh, int sw, int ph, int pw, ConvProducts products)
    {
        // Given
        var s = Make(b, c, h, w, oc, kh, kw, sh, sw, ph, pw);
        var x = ConvReference.RandomArray(b * c * h * w, 20);
        var wt = ConvReference.RandomArray(s.WeightLength, 21);
        var bias = ConvReference.RandomArray(oc, 22);
        var dy = ConvReference.RandomArray(b * s.OutputImageLength, 23);
        var ws = new float[Conv2d.WorkspaceLength(s)];
        var y = new float[dy.Length];
        var dx = new float[x.Length];
        var dw = new float[wt.Length];
        var db = new float[oc];

        // When
        Conv2d.Forward(s, x, wt, bias, y, ws, 1, products);
        Conv2d.Backward(s, x, wt, dy, dx, dw, db, ws, 1, products);

        // Then
        ConvReference.AssertClose(ConvReference.Forward(s, x, wt, bias), y, 1e-5, "output");
        var (rdx, rdw, rdb) = ConvReference.Backward(s, x, wt, dy);
        ConvReference.AssertClose(rdx, dx, 1e-5, "inputGrad");
        ConvReference.AssertClose(rdw, dw, 1e-5, "weightGrad");
        ConvReference.AssertClose(rdb, db, 1e-5, "biasGrad");
    }

    [Theory]
    [InlineData(3, 2, 7, 6, 3, 3, 3, 1, 1, 1, 1)]
    [InlineData(2, 2, 9, 8, 2, 5, 3, 2, 2, 2, 0)]
    public void Backward_Should_MatchFiniteDifferences_When_LossIsWeightedSumOfOutputs(
        int b, int c, int h, int w, int oc, int kh, int kw, int sh, int sw, int ph, int pw)
    {
        // Given L = Σ r · conv(x; w, bias), so dL/dy = r; finite differences of L on a float64 forward.
        var s = Make(b, c, h, w, oc, kh, kw, sh, sw, ph, pw);
        var x = ConvReference.RandomArray(b * c * h * w, 7);
        var wt = ConvReference.RandomArray(s.WeightLength, 8);
        var bias = ConvReference.RandomArray(oc, 9);
        var r = ConvReference.RandomArray(b * s.OutputImageLength, 10);
        var dx = new float[x.Length];
        var dw = new float[wt.Length];
        var db = new float[oc];

        // When
        Conv2d.Backward(s, x, wt, r, dx, dw, db, new float[Conv2d.WorkspaceLength(s)]);

        // Then
        var xd = ConvReference.ToDouble(x);
        var wd = ConvReference.ToDouble(wt);
        var bd = ConvReference.ToDouble(bias);
        double Loss()
        {
            var y = ConvReference.ForwardD(s, xd, wd, bd);
            var sum = 0.0;
            for (var i = 0; i < y.Length; i++)
            {
                sum += y[i] * r[i];
            }

            return sum;
        }

        CheckFiniteDifferences(xd, dx, Loss, "inputGrad");
        CheckFiniteDifferences(wd, dw, Loss, "weightGrad");
        CheckFiniteDifferences(bd, db, Loss, "biasGrad");
    }

    [Fact]
    public void Backward_Should_LeaveInputGradAndKeepWeightGrads_When_InputGradIsEmpty()
    {
        // Given
        var s = new Conv2dShape(3, 2, 8, 8, 4, 3, 3, PadHeight: 1, PadWidth: 1);
        var x = ConvReference.RandomArray(s.Batch * s.InputImageLength, 11);
        var wt = ConvReference.RandomArray(s.WeightLength, 12);
        var dy = ConvReference.RandomArray(s.Batch * s.OutputImageLength, 13);
        var ws = new float[Conv2d.WorkspaceLength(s)];
        var dwFull = new float[wt.Length];
        var dbFull = new float[4];
        var dw = new float[wt.Length];
        var db = new float[4];

        // When
        Conv2d.Backward(s, x, wt, dy, new float[x.Length], dwFull, dbFull, ws);
        Conv2d.Backward(s, x, wt, dy, Span<float>.Empty, dw, db, ws);

        // Then
        Assert.Equal(dwFull, dw);
        Assert.Equal(dbFull, db);
    }

    [Theory]
    [InlineData(7, 10, 9)]
    [InlineData(20, 10, 9)]
    [InlineData(33, 10, 9)]
    [InlineData(9, 24, 40)]
    public void ForwardAndBackward_Should_BeBitwiseIdentical_When_ThreadCountVaries(int batch, int height, int width)
    {
        // Given (24x40 gives 480 output positions: the weight gradient runs on ConvGemm's lane partials)
        var s = new Conv2dShape(batch, 3, height, width, 5, 3, 3, 1, 2, 1, 1);
        var x = ConvReference.RandomArray(s.Batch * s.InputImageLength, 14);
        var wt = ConvReference.RandomArray(s.WeightLength, 15);
        var bias = ConvReference.RandomArray(5, 16);
        var dy = ConvReference.RandomArray(s.Batch * s.OutputImageLength, 17);

        (float[] Y, float[] Dx, float[] Dw, float[] Db) Run(int threads)
        {
            var ws = new float[Conv2d.WorkspaceLength(s, threads)];
            var y = new float[dy.Length];
            var dx = new float[x.Length];
            var dw = new float[wt.Length];
            var db = new float[5];
            Conv2d.Forward(s, x, wt, bias, y, ws, threads);
            Conv2d.Backward(s, x, wt, dy, dx, dw, db, ws, threads);
            return (y, dx, dw, db);
        }

        // When
        var one = Run(1);

        // Then
        foreach (var threads in new[] { 2, 3 })
        {
            var other = Run(threads);
            Assert.Equal(Bits(one.Y), Bits(other.Y));
            Assert.Equal(Bits(one.Dx), Bits(other.Dx));
            Assert.Equal(Bits(one.Dw), Bits(other.Dw));
            Assert.Equal(Bits(one.Db), Bits(other.Db));
        }
    }

    [Theory]
    [InlineData(5, 1, 12, 12, 6, 5, 5, 1, 1, 2, 2, 1)]
    [InlineData(20, 6, 14, 14, 16, 5, 5, 1, 1, 0, 0, 3)]
    [InlineData(3, 2, 9, 7, 3, 3, 3, 2, 1, 1, 0, 2)]
    public void KeptColumns_Should_GiveBitwiseTheSameResults_When_UsedInsteadOfRecomputing(
        int b, int c, int h, int w, int oc, int kh, int kw, int sh, int sw, int ph, int pw, int threads)
    {
        // Given
        var s = Make(b, c, h, w, oc, kh, kw, sh, sw, ph, pw);
        var x = ConvReference.RandomArray(b * c * h * w, 24);
        var wt = ConvReference.RandomArray(s.WeightLength, 25);
        var bias = ConvReference.RandomArray(oc, 26);
        var dy = ConvReference.RandomArray(b * s.OutputImageLength, 27);
        var (y1, dx1, dw1, db1) = (new float[dy.Length], new float[x.Length], new float[wt.Length], new float[oc]);
        var (y2, dx2, dw2, db2) = (new float[dy.Length], new float[x.Length], new float[wt.Length], new float[oc]);
        var ws = new float[Conv2d.WorkspaceLength(s, threads)];
        var wsKept = new float[Conv2d.WorkspaceLengthKeepingColumns(s, threads)];

        // When
        Conv2d.Forward(s, x, wt, bias, y1, ws, threads);
        Conv2d.Backward(s, x, wt, dy, dx1, dw1, db1, ws, threads);
        Conv2d.ForwardKeepingColumns(s, x, wt, bias, y2, wsKept, threads);
        Conv2d.BackwardFromKeptColumns(s, x, wt, dy, dx2, dw2, db2, wsKept, threads);

        // Then
        Assert.Equal(Bits(y1), Bits(y2));
        Assert.Equal(Bits(dx1), Bits(dx2));
        Assert.Equal(Bits(dw1), Bits(dw2));
        Assert.Equal(Bits(db1), Bits(db2));
        ConvReference.AssertClose(ConvReference.Backward(s, x, wt, dy).Dw, dw2, 1e-5, "weightGrad");
        Assert.Throws<ArgumentException>(() => Conv2d.BackwardFromKeptColumns(s, x, wt, dy, dx2, dw2, db2, ws, threads));
    }

    [Fact]
    public void ForwardAndBackward_Should_NotAllocate_When_CalledRepeatedlyOnOneThread()
    {
        // Given
        var s = new Conv2dShape(8, 6, 14, 14, 16, 5, 5);
        var x = ConvReference.RandomArray(s.Batch * s.InputImageLength, 18);
        var wt = ConvReference.RandomArray(s.WeightLength, 19);
        var bias = new float[16];
        var y = new float[s.Batch * s.OutputImageLength];
        var dx = new float[x.Length];
        var dw = new float[wt.Length];
        var db = new float[16];
        var ws = new float[Conv2d.WorkspaceLength(s)];
        var wsKept = new float[Conv2d.WorkspaceLengthKeepingColumns(s, 1)];
        Conv2d.Forward(s, x, wt, bias, y, ws);
        Conv2d.Backward(s, x, wt, y, dx, dw, db, ws);
        Conv2d.ForwardKeepingColumns(s, x, wt, bias, y, wsKept);
        Conv2d.BackwardFromKeptColumns(s, x, wt, y, dx, dw, db, wsKept);

        // When
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 5; i++)
        {
            Conv2d.Forward(s, x, wt, bias, y, ws);
            Conv2d.Backward(s, x, wt, y, dx, dw, db, ws);
            Conv2d.ForwardKeepingColumns(s, x, wt, bias, y, wsKept);
            Conv2d.BackwardFromKeptColumns(s, x, wt, y, dx, dw, db, wsKept);
        }

        var after = GC.GetAllocatedBytesForCurrentThread();

        // Then
        Assert.Equal(before, after);
    }

    [Fact]
    public void Forward_Should_Throw_When_SpanLengthsDoNotMatchTheShape()
    {
        var s = new Conv2dShape(2, 1, 5, 5, 2, 3, 3);
        var ws = new float[Conv2d.WorkspaceLength(s)];
        var ex = Assert.Throws<ArgumentException>(
            () => Conv2d.Forward(s, new float[49], new float[18], new float[2], new float[2 * 2 * 9], ws));
        Assert.Contains("49", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(
            () => Conv2d.Forward(s, new float[50], new float[18], new float[2], new float[2 * 2 * 9], new float[3]));
        Assert.Throws<ArgumentException>(
            () => Conv2d.Backward(s, new float[50], new float[18], new float[36], new float[5], new float[18], new float[2], ws));
    }

    [Fact]
    public void Shape_Should_ComputeOutputSizeAndRejectBadValues_When_Validated()
    {
        var s = new Conv2dShape(1, 1, 28, 28, 6, 5, 5, PadHeight: 2, PadWidth: 2);
        Assert.Equal(28, s.OutHeight);
        Assert.Equal(28, s.OutWidth);
        var t = new Conv2dShape(1, 1, 8, 9, 1, 3, 2, 2, 3, 1, 0);
        Assert.Equal(4, t.OutHeight);
        Assert.Equal(3, t.OutWidth);
        Assert.Throws<ArgumentException>(() => new Conv2dShape(1, 1, 2, 2, 1, 3, 3).Validate());
        Assert.Throws<ArgumentException>(() => new Conv2dShape(1, 1, 5, 5, 1, 3, 3, 0, 1).Validate());
        Assert.Throws<ArgumentException>(() => new Conv2dShape(0, 1, 5, 5, 1, 3, 3).Validate());
        Assert.Throws<ArgumentException>(() => Conv2d.WorkspaceLength(new Conv2dShape(1, 1, 5, 5, 1, 3, 3, PadHeight: -1)));
    }

    private static void CheckFiniteDifferences(double[] param, float[] grad, Func<double> loss, string what)
    {
        // The loss is linear in each parameter, so central differences are exact up to rounding.
        const double H = 1e-3;
        for (var i = 0; i < param.Length; i++)
        {
            var old = param[i];
            param[i] = old + H;
            var up = loss();
            param[i] = old - H;
            var down = loss();
            param[i] = old;
            var fd = (up - down) / (2 * H);
            Assert.True(
                Math.Abs(fd - grad[i]) <= 1e-4 * (1 + Math.Abs(fd)),
                $"{what}[{i}]: finite difference {fd}, backward {grad[i]}");
        }
    }

    private static float[] Filled(int length, float value)
    {
        var a = new float[length];
        a.AsSpan().Fill(value);
        return a;
    }

    private static int[] Bits(float[] a) => Array.ConvertAll(a, BitConverter.SingleToInt32Bits);
}
