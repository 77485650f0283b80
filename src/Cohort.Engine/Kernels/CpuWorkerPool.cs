using System.Runtime.ExceptionServices;

namespace Cohort.Engine.Kernels;

/// <summary>A unit of parallel work: <see cref="Execute"/> is called once for each part index.</summary>
internal interface ICpuJob
{
    void Execute(int part);
}

/// <summary>
/// A small pool of dedicated worker threads for kernels. <see cref="Run"/> executes parts 1..parts-1 on workers
/// and part 0 on the caller, and returns when all are done. Allocation-free in steady state (workers are created
/// once and reused). Only one caller uses the workers at a time; a concurrent caller runs all parts itself, so
/// callers must not depend on which thread runs which part (the kernels' results do not).
/// </summary>
internal static class CpuWorkerPool
{
    private static readonly object s_createGate = new();
    private static readonly object s_doneGate = new();
    private static Worker[] s_workers = [];
    private static int s_busy;
    private static ICpuJob? s_job;
    private static int s_remaining;
    private static Exception? s_error;

    /// <summary>Runs <paramref name="job"/> for parts 0..<paramref name="parts"/>-1 and waits for all of them.</summary>
    public static void Run(ICpuJob job, int parts)
    {
        if (parts <= 1 || Interlocked.CompareExchange(ref s_busy, 1, 0) != 0)
        {
            for (var part = 0; part < parts; part++)
            {
                job.Execute(part);
            }

            return;
        }

        try
        {
            var workers = EnsureWorkers(parts - 1);
            s_job = job;
            s_error = null;
            Volatile.Write(ref s_remaining, parts - 1);
            for (var w = 0; w < parts - 1; w++)
            {
                workers[w].Start(w + 1);
            }

            Exception? local = null;
            try
            {
                job.Execute(0);
            }
            catch (Exception ex)
            {
                local = ex;
            }

            WaitForWorkers();
            s_job = null;
            var error = local ?? s_error;
            if (error is not null)
            {
                ExceptionDispatchInfo.Capture(error).Throw();
            }
        }
        finally
        {
            Volatile.Write(ref s_busy, 0);
        }
    }

    /// <summary>Spins briefly (workers usually finish together with the caller), then blocks on a monitor.</summary>
    private static void WaitForWorkers()
    {
        var spinner = default(SpinWait);
        while (Volatile.Read(ref s_remaining) != 0)
        {
            if (spinner.NextSpinWillYield)
            {
                lock (s_doneGate)
                {
                    while (Volatile.Read(ref s_remaining) != 0)
                    {
                        Monitor.Wait(s_doneGate);
                    }
                }

                return;
            }

            spinner.SpinOnce(-1);
        }
    }

    private static Worker[] EnsureWorkers(int count)
    {
        var workers = s_workers;
        if (workers.Length >= count)
        {
            return workers;
        }

        lock (s_createGate)
        {
            if (s_workers.Length < count)
            {
                var grown = new Worker[count];
                Array.Copy(s_workers, grown, s_workers.Length);
                for (var i = s_workers.Length; i < count; i++)
                {
                    grown[i] = new Worker(i);
                }

                s_workers = grown;
            }

            return s_workers;
        }
    }

    private static void Complete(Exception? error)
    {
        if (error is not null)
        {
            Interlocked.CompareExchange(ref s_error, error, null);
        }

        if (Interlocked.Decrement(ref s_remaining) == 0)
        {
            lock (s_doneGate)
            {
                Monitor.PulseAll(s_doneGate);
            }
        }
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage(
        "Design", "CA1001", Justification = "Workers live for the whole process; their semaphore is never disposed.")]
    private sealed class Worker
    {
        private const int Idle = 0;
        private const int Sleeping = 1;
        private const int Posted = 2;

        /// <summary>How long an idle worker spins for the next part before it blocks (back-to-back kernels).</summary>
        private static readonly long s_spinTicks = System.Diagnostics.Stopwatch.Frequency / 20_000;

        private readonly SemaphoreSlim _signal = new(0);
        private int _part;
        private int _state;

        public Worker(int index)
        {
            var thread = new Thread(Loop)
            {
                IsBackground = true,
                Name = "Cohort.Kernels.Worker." + index.ToString(System.Globalization.CultureInfo.InvariantCulture),
            };
            thread.Start();
        }

        public void Start(int part)
        {
            _part = part;
            if (Interlocked.Exchange(ref _state, Posted) == Sleeping)
            {
                _signal.Release();
            }
        }

        private void Loop()
        {
            while (true)
            {
                WaitForPart();
                Volatile.Write(ref _state, Idle);
                Exception? error = null;
                try
                {
                    s_job!.Execute(_part);
                }
                catch (Exception ex)
                {
                    error = ex;
                }

                Complete(error);
            }
        }

        /// <summary>Spins about 50 µs for a posted part, then sleeps until <see cref="Start"/> wakes it.</summary>
        private void WaitForPart()
        {
            var until = System.Diagnostics.Stopwatch.GetTimestamp() + s_spinTicks;
            while (Volatile.Read(ref _state) != Posted)
            {
                if (System.Diagnostics.Stopwatch.GetTimestamp() < until)
                {
                    Thread.SpinWait(16);
                    continue;
                }

                if (Interlocked.CompareExchange(ref _state, Sleeping, Idle) == Idle)
                {
                    _signal.Wait();
                }
            }
        }
    }
}
