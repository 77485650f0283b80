using Cohort.Engine.Randomness;

namespace Cohort.Engine.Tests;

internal static class TestData
{
    public static float[] Gaussian(int n, ulong seed, double scale = 1.0)
    {
        var r = new EngineRandom(seed);
        var a = new float[n];
        for (var i = 0; i < n; i++)
        {
            a[i] = (float)(r.NextGaussian() * scale);
        }

        return a;
    }

    public static float[] Classes(int n, int classes, ulong seed)
    {
        var r = new EngineRandom(seed);
        var a = new float[n];
        for (var i = 0; i < n; i++)
        {
            a[i] = (int)(r.NextUInt64() % (ulong)classes);
        }

        return a;
    }
}
