using Cohort.Engine.Kernels;

namespace Cohort.Engine.Tests.Kernels;

/// <summary>
/// ConvGemm's products are specified as exact chains of fused multiply-adds (see its documentation), whatever the
/// vector width computes them: these tests rebuild each chain one scalar at a time and require the same bits.
/// </summary>
public sealed unsafe class ConvGemmTests
{
    // Rows, columns and reduction lengths on both sides of the 6-row panel, the 8/16/32-column blocks and the 8/16 lanes.
    public static IEnumerable<object[]> ProductShapes =>
    [
        [1, 5, 3],
        [6, 8, 1],
        [7, 16, 9],
        [5, 23, 25],
        [12, 32, 4],
        [6, 45, 17],
        [13, 70, 31],
        [2, 100, 150],
    ];

    [Theory]
    [MemberData(nameof(ProductShapes))]
    public void BroadcastProduct_Should_GiveTheBitsOfItsScalarChain_When_TheShapeVaries(int m, int n, int k)
    {
        var rng = new Random(m * 1000 + n * 10 + k);
        var a = Random(rng, m * k);
        var b = Random(rng, k * n);
        var init = Random(rng, m);
        foreach (var transposed in new[] { false, true })
        {
            // A element-strided: row-major (aRow = k, aCol = 1) or read as a transpose (aRow = 1, aCol = m).
            var (aRow, aCol) = transposed ? (1, m) : (k, 1);
            foreach (var withInit in new[] { false, true })
            {
                var c = new float[m * n];
                fixed (float* pa = a, pb = b, pc = c, pi = init)
                {
                    ConvGemm.BroadcastProduct(m, n, k, pa, aRow, aCol, pb, n, pc, n, withInit ? pi : null);
                }

                for (var i = 0; i < m; i++)
                {
                    for (var j = 0; j < n; j++)
                    {
                        var s = withInit ? init[i] : 0f;
                        for (var p = 0; p < k; p++)
                        {
                            s = MathF.FusedMultiplyAdd(a[i * aRow + p * aCol], b[p * n + j], s);
                        }

                        Assert.True(
                            BitConverter.SingleToInt32Bits(s) == BitConverter.SingleToInt32Bits(c[i * n + j]),
                            $"C[{i}, {j}] = {c[i * n + j]:R}, chain {s:R} (transposed {transposed}, init {withInit})");
                    }
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(ProductShapes))]
    public void DotProductLanes_Should_GiveTheBitsOfItsLaneChains_When_TheShapeVaries(int m, int n, int k)
    {
        foreach (var lanes in new[] { 8, 16 })
        {
            var rng = new Random(m * 1000 + n * 10 + k + lanes);
            var a = Random(rng, m * k);
            var b = Random(rng, n * k);
            var acc = new float[m * n * lanes];
            var expected = new float[acc.Length];

            // Two products summed into the same partials (first, then not first), as the weight gradient does over images.
            for (var round = 0; round < 2; round++)
            {
                fixed (float* pa = a, pb = b, pacc = acc)
                {
                    if (lanes == 8)
                    {
                        ConvGemm.DotProductLanes(m, n, k, pa, k, pb, k, pacc, first: round == 0);
                    }
                    else
                    {
                        ConvGemm.DotProductLanes512(m, n, k, pa, k, pb, k, pacc, first: round == 0);
                    }
                }

                for (var i = 0; i < m; i++)
                {
                    for (var j = 0; j < n; j++)
                    {
                        for (var lane = 0; lane < lanes; lane++)
                        {
                            var s = LaneChain(a.AsSpan(i * k, k), b.AsSpan(j * k, k), lanes, lane);
                            var slot = (i * n + j) * lanes + lane;
                            expected[slot] = round == 0 ? s : expected[slot] + s;
                        }
                    }
                }

                for (var slot = 0; slot < acc.Length; slot++)
                {
                    Assert.True(
                        BitConverter.SingleToInt32Bits(expected[slot]) == BitConverter.SingleToInt32Bits(acc[slot]),
                        $"partial {slot} = {acc[slot]:R}, chain {expected[slot]:R} ({lanes} lanes, round {round})");
                }
            }

            // And the reduction adds the partials in its fixed tree.
            var c = new float[m * n];
            fixed (float* pacc = acc, pc = c)
            {
                if (lanes == 8)
                {
                    ConvGemm.ReduceLanes(m, n, pacc, pc, n);
                }
                else
                {
                    ConvGemm.ReduceLanes512(m, n, pacc, pc, n);
                }
            }

            for (var ij = 0; ij < m * n; ij++)
            {
                var v = acc.AsSpan(ij * lanes, lanes).ToArray();
                if (lanes == 16)
                {
                    v = Enumerable.Range(0, 8).Select(l => v[l] + v[l + 8]).ToArray();
                }

                var h = Enumerable.Range(0, 4).Select(l => v[l] + v[l + 4]).ToArray();
                var sum = (h[0] + h[2]) + (h[1] + h[3]);
                Assert.Equal(BitConverter.SingleToInt32Bits(sum), BitConverter.SingleToInt32Bits(c[ij]));
            }
        }
    }

    /// <summary>
    /// One lane's partial: fused multiply-adds over the lane's element of each whole block in p order; when k is not a
    /// multiple of the lane count, one more block ending at k whose already counted elements are zero. Shorter than
    /// one block: the whole scalar chain in lane 0, zero elsewhere.
    /// </summary>
    private static float LaneChain(ReadOnlySpan<float> x, ReadOnlySpan<float> y, int lanes, int lane)
    {
        var k = x.Length;
        if (k < lanes)
        {
            var t = 0f;
            for (var p = 0; p < k && lane == 0; p++)
            {
                t = MathF.FusedMultiplyAdd(x[p], y[p], t);
            }

            return t;
        }

        var whole = k - k % lanes;
        var s = 0f;
        for (var p = 0; p < whole; p += lanes)
        {
            s = MathF.FusedMultiplyAdd(x[p + lane], y[p + lane], s);
        }

        if (whole < k)
        {
            var p = k - lanes + lane;
            var counted = p < whole;
            s = MathF.FusedMultiplyAdd(counted ? 0f : x[p], counted ? 0f : y[p], s);
        }

        return s;
    }

    private static float[] Random(Random rng, int length)
    {
        var values = new float[length];
        for (var i = 0; i < length; i++)
        {
            values[i] = (float)(rng.NextDouble() * 2 - 1);
        }

        return values;
    }
}
