using TorchSharp;

namespace Cohort.TorchSharp;

/// <summary>
/// LibTorch's intra-op threads (<c>torch.set_num_threads</c>). With LibTorch's OpenMP backend the setting belongs to
/// the calling thread: a worker thread that calls <see cref="Use"/> runs its own operations on that many threads and
/// leaves other workers' settings alone. Cohort's TorchSharp trainables call it at the start of every
/// <c>Train</c> and <c>Evaluate</c>, so N workers × M threads per trainable use N·M cores; choose N with
/// <see cref="WorkersFor"/> so that this does not exceed the machine.
/// </summary>
public static class TorchThreads
{
    /// <summary>Makes LibTorch operations started from the calling thread use <paramref name="threads"/> threads.</summary>
    public static void Use(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        if (torch.get_num_threads() != threads)
        {
            torch.set_num_threads(threads);
        }
    }

    /// <summary>The threads LibTorch uses for operations started from the calling thread.</summary>
    public static int Current => torch.get_num_threads();

    /// <summary>
    /// How many trainables may train at once on <paramref name="cores"/> cores (default: all of this machine's)
    /// when each uses <paramref name="threadsPerTrainable"/> threads: ⌊cores / threads⌋, at least 1.
    /// </summary>
    public static int WorkersFor(int threadsPerTrainable, int? cores = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threadsPerTrainable, 1);
        var available = cores ?? Environment.ProcessorCount;
        ArgumentOutOfRangeException.ThrowIfLessThan(available, 1, nameof(cores));
        return Math.Max(1, available / threadsPerTrainable);
    }
}
