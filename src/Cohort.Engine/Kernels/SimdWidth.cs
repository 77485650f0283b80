using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Cohort.Engine.Kernels;

/// <summary>
/// The vector operations a kernel needs, one implementation per vector width, so that a kernel is written once as a
/// generic method and the JIT compiles it for each width (the width is a struct type argument: every call is direct
/// and inlined).
/// </summary>
/// <typeparam name="TVector">The vector of single-precision lanes.</typeparam>
internal unsafe interface ISimdWidth<TVector>
    where TVector : struct
{
    /// <summary>The lanes in one vector.</summary>
    static abstract int Count { get; }

    static abstract TVector Load(float* source);

    static abstract void Store(TVector value, float* destination);

    static abstract TVector Broadcast(float value);

    /// <summary>a · b + c, rounded once.</summary>
    static abstract TVector Fma(TVector a, TVector b, TVector c);

    static abstract TVector Add(TVector a, TVector b);

    static abstract TVector And(TVector value, TVector mask);

    /// <summary>A mask keeping the lanes from <paramref name="first"/> on and zeroing those before it.</summary>
    static abstract TVector KeepFrom(int first);
}

/// <summary>256-bit vectors: 8 lanes.</summary>
internal readonly unsafe struct Width256 : ISimdWidth<Vector256<float>>
{
    public static int Count => Vector256<float>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Load(float* source) => Vector256.Load(source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector256<float> value, float* destination) => value.Store(destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Broadcast(float value) => Vector256.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Fma(Vector256<float> a, Vector256<float> b, Vector256<float> c) => Vector256.FusedMultiplyAdd(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Add(Vector256<float> a, Vector256<float> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> And(Vector256<float> value, Vector256<float> mask) => value & mask;

    public static Vector256<float> KeepFrom(int first) =>
        Vector256.GreaterThanOrEqual(Vector256<int>.Indices, Vector256.Create(first)).AsSingle();
}

/// <summary>512-bit vectors: 16 lanes.</summary>
internal readonly unsafe struct Width512 : ISimdWidth<Vector512<float>>
{
    public static int Count => Vector512<float>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Load(float* source) => Vector512.Load(source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector512<float> value, float* destination) => value.Store(destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Broadcast(float value) => Vector512.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Fma(Vector512<float> a, Vector512<float> b, Vector512<float> c) => Vector512.FusedMultiplyAdd(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Add(Vector512<float> a, Vector512<float> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> And(Vector512<float> value, Vector512<float> mask) => value & mask;

    public static Vector512<float> KeepFrom(int first) =>
        Vector512.GreaterThanOrEqual(Vector512<int>.Indices, Vector512.Create(first)).AsSingle();
}
