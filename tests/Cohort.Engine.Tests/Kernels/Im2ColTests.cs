using Cohort.Engine.Kernels;

namespace Cohort.Engine.Tests.Kernels;

public sealed class Im2ColTests
{
    public static IEnumerable<object[]> Shapes =>
    [
        [1, 5, 5, 3, 3, 1, 1, 0, 0],
        [2, 7, 6, 3, 3, 1, 1, 1, 1],
        [3, 9, 7, 5, 5, 1, 1, 2, 2],
        [2, 8, 9, 3, 2, 2, 2, 1, 0],
        [1, 7, 7, 3, 3, 2, 3, 0, 2],
        [2, 4, 3, 1, 1, 1, 1, 0, 0],
        [2, 9, 21, 3, 3, 1, 2, 1, 1],
        [1, 6, 30, 5, 5, 1, 1, 2, 2],
        [1, 5, 12, 5, 5, 1, 1, 4, 4],
    ];

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Compute_Should_MatchDirectDefinition_When_ShapeVaries(
        int c, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw)
    {
        // Given
        var s = new Conv2dShape(1, c, h, w, 1, kh, kw, sh, sw, ph, pw);
        var image = ConvReference.RandomArray(s.InputImageLength, 1);
        var n = s.OutHeight * s.OutWidth;
        var columns = new float[s.PatchSize * n];
        columns.AsSpan().Fill(float.NaN);

        // When
        Im2Col.Compute(s, image, columns);

        // Then
        for (var r = 0; r < s.PatchSize; r++)
        {
            int ch = r / (kh * kw), ky = r / kw % kh, kx = r % kw;
            for (var j = 0; j < n; j++)
            {
                int iy = j / s.OutWidth * sh - ph + ky, ix = j % s.OutWidth * sw - pw + kx;
                var expected = iy < 0 || iy >= h || ix < 0 || ix >= w ? 0f : image[(ch * h + iy) * w + ix];
                Assert.Equal(expected, columns[r * n + j]);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Col2Im_Should_BeTheAdjointOfCompute_When_ShapeVaries(
        int c, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw)
    {
        // Given <im2col(x), y> = <x, col2im(y)>, with col2im accumulating onto a non-zero image.
        var s = new Conv2dShape(1, c, h, w, 1, kh, kw, sh, sw, ph, pw);
        var n = s.OutHeight * s.OutWidth;
        var x = ConvReference.RandomArray(s.InputImageLength, 2);
        var y = ConvReference.RandomArray(s.PatchSize * n, 3);
        var cols = new float[y.Length];
        var start = ConvReference.RandomArray(x.Length, 4);
        var back = (float[])start.Clone();

        // When
        Im2Col.Compute(s, x, cols);
        Im2Col.Col2Im(s, y, back);

        // Then
        double lhs = 0, rhs = 0;
        for (var i = 0; i < y.Length; i++)
        {
            lhs += (double)cols[i] * y[i];
        }

        for (var i = 0; i < x.Length; i++)
        {
            rhs += (double)x[i] * (back[i] - start[i]);
        }

        Assert.True(Math.Abs(lhs - rhs) <= 1e-4 * (1 + Math.Abs(lhs)), $"<im2col x, y> = {lhs}, <x, col2im y> = {rhs}");
    }

    [Fact]
    public void Compute_Should_HonourColumnStride_When_RowsArePadded()
    {
        // Given
        var s = new Conv2dShape(1, 2, 5, 5, 1, 3, 3, PadHeight: 1, PadWidth: 1);
        var n = s.OutHeight * s.OutWidth;
        var image = ConvReference.RandomArray(s.InputImageLength, 5);
        var dense = new float[s.PatchSize * n];
        var strided = new float[(s.PatchSize - 1) * (n + 7) + n];
        strided.AsSpan().Fill(-99f);

        // When
        Im2Col.Compute(s, image, dense);
        Im2Col.Compute(s, image, strided, n + 7);

        // Then
        for (var r = 0; r < s.PatchSize; r++)
        {
            Assert.Equal(dense.AsSpan(r * n, n).ToArray(), strided.AsSpan(r * (n + 7), n).ToArray());
            if (r < s.PatchSize - 1)
            {
                Assert.All(strided.AsSpan(r * (n + 7) + n, 7).ToArray(), v => Assert.Equal(-99f, v));
            }
        }
    }

    [Fact]
    public void Compute_Should_Throw_When_SpansAreTooShort()
    {
        var s = new Conv2dShape(1, 1, 5, 5, 1, 3, 3);
        var ex = Assert.Throws<ArgumentException>(() => Im2Col.Compute(s, new float[24], new float[81]));
        Assert.Contains("24", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => Im2Col.Compute(s, new float[25], new float[80]));
        Assert.Throws<ArgumentException>(() => Im2Col.Col2Im(s, new float[81], new float[25], 8));
    }
}
