using Cohort.Engine.Kernels;

namespace Cohort.Engine.Tests.Kernels;

public sealed class PoolingTests
{
    public static IEnumerable<object[]> Shapes =>
    [
        [1, 1, 4, 4, 2, 2],
        [2, 3, 6, 8, 2, 2],
        [1, 2, 5, 5, 2, 2],
        [3, 1, 7, 6, 3, 2],
        [2, 2, 5, 7, 3, 1],
        [1, 1, 9, 9, 3, 3],
        [2, 2, 6, 20, 2, 2],
        [1, 3, 5, 17, 2, 2],
        [2, 1, 4, 32, 2, 2],
        [3, 2, 10, 10, 2, 2],
        [1, 2, 9, 15, 2, 2],
    ];

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MaxForwardAndBackward_Should_MatchReference_When_ShapeVaries(int b, int c, int h, int w, int size, int stride)
    {
        // Given
        var s = new PoolShape(b, c, h, w, size, stride);
        var x = ConvReference.RandomArray(s.InputLength, 1);
        var dy = ConvReference.RandomArray(s.OutputLength, 2);
        var y = new float[s.OutputLength];
        var arg = new int[s.OutputLength];
        var dx = new float[s.InputLength];
        dx.AsSpan().Fill(float.NaN);

        // When
        Pooling.MaxForward(s, x, y, arg);
        Pooling.MaxBackward(s, dy, arg, dx);

        // Then
        var expectedDx = new double[x.Length];
        var o = 0;
        foreach (var window in Windows(s))
        {
            var best = window.OrderByDescending(i => x[i]).ThenBy(i => i).First();
            Assert.Equal(x[best], y[o]);
            Assert.Equal(best, arg[o]);
            expectedDx[best] += dy[o];
            o++;
        }

        ConvReference.AssertClose(expectedDx, dx, 1e-6, "inputGrad");
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void AverageForwardAndBackward_Should_MatchReference_When_ShapeVaries(int b, int c, int h, int w, int size, int stride)
    {
        // Given
        var s = new PoolShape(b, c, h, w, size, stride);
        var x = ConvReference.RandomArray(s.InputLength, 3);
        var dy = ConvReference.RandomArray(s.OutputLength, 4);
        var y = new float[s.OutputLength];
        var dx = new float[s.InputLength];
        dx.AsSpan().Fill(float.NaN);

        // When
        Pooling.AverageForward(s, x, y);
        Pooling.AverageBackward(s, dy, dx);

        // Then
        var expectedY = new double[y.Length];
        var expectedDx = new double[x.Length];
        var o = 0;
        foreach (var window in Windows(s))
        {
            expectedY[o] = window.Average(i => (double)x[i]);
            foreach (var i in window)
            {
                expectedDx[i] += dy[o] / (double)(size * size);
            }

            o++;
        }

        ConvReference.AssertClose(expectedY, y, 1e-6, "output");
        ConvReference.AssertClose(expectedDx, dx, 1e-6, "inputGrad");
    }

    [Fact]
    public void MaxForward_Should_PickFirstInRowMajorOrder_When_WindowHasTies()
    {
        // Given one plane 4x4 with tied maxima in each 2x2 window, and a 3x3 window (general path).
        float[] x =
        [
            1, 1, 0, 5,
            0, 0, 5, 5,
            2, 0, 3, 3,
            0, 2, 3, 3,
        ];
        var y = new float[4];
        var arg = new int[4];
        var y3 = new float[4];
        var arg3 = new int[4];

        // When
        Pooling.MaxForward(new PoolShape(1, 1, 4, 4, 2, 2), x, y, arg);
        Pooling.MaxForward(new PoolShape(1, 1, 4, 4, 3, 1), x, y3, arg3);

        // Then
        Assert.Equal([1f, 5f, 2f, 3f], y);
        Assert.Equal([0, 3, 8, 10], arg);
        Assert.Equal([5f, 5f, 5f, 5f], y3);
        Assert.Equal([6, 3, 6, 6], arg3);
    }

    [Fact]
    public void MaxForward_Should_PickFirstInRowMajorOrder_When_VectorPathSeesTiesAndNaN()
    {
        // Given two rows of 20 (10 outputs: one 8-wide block and an overlapping one), all ties except two windows.
        var x = new float[40];
        x.AsSpan().Fill(2f);
        x[20 + 6] = 3f;                 // window 3, bottom-left
        x[9] = float.NaN;               // window 4, top-right
        x[20 + 8] = float.NaN;          // window 4, bottom-left: the first NaN (index 9) must win
        var y = new float[10];
        var arg = new int[10];

        // When
        Pooling.MaxForward(new PoolShape(1, 1, 2, 20, 2, 2), x, y, arg);

        // Then
        Assert.Equal([0, 2, 4, 26, 9, 10, 12, 14, 16, 18], arg);
        Assert.Equal(3f, y[3]);
        Assert.True(float.IsNaN(y[4]));
        Assert.All(new[] { y[0], y[1], y[2], y[5], y[9] }, v => Assert.Equal(2f, v));
    }

    [Fact]
    public void MaxForward_Should_PropagateNaN_When_WindowContainsNaN()
    {
        float[] x = [1, float.NaN, 3, 2];
        var y = new float[1];
        var arg = new int[1];
        Pooling.MaxForward(new PoolShape(1, 1, 2, 2, 2, 2), x, y, arg);
        Assert.True(float.IsNaN(y[0]));
        Assert.Equal(1, arg[0]);
    }

    [Fact]
    public void Shape_Should_FloorTheOutputSize_When_InputIsNotDivisible()
    {
        var s = new PoolShape(1, 1, 5, 7, 2, 2);
        Assert.Equal(2, s.OutHeight);
        Assert.Equal(3, s.OutWidth);
        Assert.Throws<ArgumentException>(() => new PoolShape(1, 1, 2, 2, 3, 1).Validate());
        Assert.Throws<ArgumentException>(() => new PoolShape(1, 1, 4, 4, 2, 0).Validate());
        var ex = Assert.Throws<ArgumentException>(() => Pooling.AverageForward(s, new float[34], new float[6]));
        Assert.Contains("34", ex.Message, StringComparison.Ordinal);
    }

    private static IEnumerable<int[]> Windows(PoolShape s)
    {
        for (var p = 0; p < s.Batch * s.Channels; p++)
        {
            for (var oy = 0; oy < s.OutHeight; oy++)
            {
                for (var ox = 0; ox < s.OutWidth; ox++)
                {
                    var window = new int[s.Size * s.Size];
                    for (var i = 0; i < s.Size; i++)
                    {
                        for (var j = 0; j < s.Size; j++)
                        {
                            window[i * s.Size + j] = (p * s.Height + oy * s.Stride + i) * s.Width + ox * s.Stride + j;
                        }
                    }

                    yield return window;
                }
            }
        }
    }
}
