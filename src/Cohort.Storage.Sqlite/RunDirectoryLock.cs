using System.Globalization;
using System.Text;
using Cohort.Core.Storage;

namespace Cohort.Storage.Sqlite;

/// <summary>
/// The exclusive writer's lock on a run directory: one process at a time may run or resume the experiment in it.
/// It is an operating-system lock on <c>DIR/cohort.lock</c> (an exclusive open, <c>flock</c> on Linux), held for as
/// long as this object lives: the operating system releases it however the process ends, kill -9 included, so there is
/// no stale lock to clean up. The holder records its process id, host and start time in <c>DIR/cohort.lock.owner</c>,
/// so that a second writer fails at once with a <see cref="RunLockedException"/> naming it. Readers (<c>cohort show</c>,
/// <c>report</c>) do not take the lock.
/// </summary>
public sealed class RunDirectoryLock : IDisposable
{
    /// <summary>The lock file's name in the run directory.</summary>
    public const string FileName = "cohort.lock";

    /// <summary>The file where the holder describes itself.</summary>
    public const string OwnerFileName = "cohort.lock.owner";

    private readonly FileStream _lock;

    private RunDirectoryLock(string directory, FileStream handle, string owner)
    {
        Directory = directory;
        _lock = handle;
        Owner = owner;
    }

    /// <summary>The locked directory (absolute).</summary>
    public string Directory { get; }

    /// <summary>This process, as recorded for others: process id, host and start time.</summary>
    public string Owner { get; }

    /// <summary>Takes the lock on <paramref name="directory"/> (created when missing), or fails at once.</summary>
    /// <exception cref="RunLockedException">Another process (or another writer in this one) holds it; the message names it.</exception>
    public static RunDirectoryLock Acquire(string directory, TimeProvider? time = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        var full = Path.GetFullPath(directory);
        System.IO.Directory.CreateDirectory(full);
        var path = Path.Combine(full, FileName);
        FileStream handle;
        try
        {
            handle = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
        }
        catch (IOException ex) when (ex is not FileNotFoundException and not DirectoryNotFoundException)
        {
            var holder = ReadOwner(full);
            throw new RunLockedException(
                holder is null
                    ? $"{full} is being written by another process (it holds {path}). Wait for it to finish, or stop it; two writers would corrupt the run."
                    : $"{full} is being written by another process: {holder} (it holds {path}). Wait for it to finish, or stop it; two writers would corrupt the run.",
                holder);
        }

        var owner = string.Create(
            CultureInfo.InvariantCulture,
            $"process {Environment.ProcessId} on host {Environment.MachineName}, started {(time ?? TimeProvider.System).GetUtcNow().UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC");
        try
        {
            var ownerPath = Path.Combine(full, OwnerFileName);
            var temp = ownerPath + "." + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + ".tmp";
            File.WriteAllText(temp, owner + "\n", Encoding.UTF8);
            File.Move(temp, ownerPath, overwrite: true);
        }
        catch
        {
            handle.Dispose();
            throw;
        }

        return new RunDirectoryLock(full, handle, owner);
    }

    /// <summary>Releases the lock (the owner file stays: it is only read while the lock is held).</summary>
    public void Dispose() => _lock.Dispose();

    private static string? ReadOwner(string directory)
    {
        try
        {
            var text = File.ReadAllText(Path.Combine(directory, OwnerFileName), Encoding.UTF8).Trim();
            return text.Length > 0 ? text : null;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
