namespace Cohort.Engine.Data;

/// <summary>
/// Fetches missing dataset files into a <see cref="DataDirectory"/>: download to a temporary file beside the target,
/// verify the SHA-256 of the (decompressed) content — or, without a known checksum, the file's format — and only
/// then move it into place atomically. A failed or rejected download leaves no file behind.
/// </summary>
public sealed class DatasetDownloader
{
    private readonly HttpClient _http;
    private readonly Uri? _baseUrl;

    /// <param name="http">The client to download with (injected; the caller owns it).</param>
    /// <param name="baseUrl">
    /// When set, files are fetched from <c>baseUrl + RelativePath</c> (a mirror with the data directory's layout, e.g. a
    /// test server) instead of their canonical URLs.
    /// </param>
    public DatasetDownloader(HttpClient http, Uri? baseUrl = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        _http = http;
        _baseUrl = baseUrl is null || baseUrl.AbsoluteUri.EndsWith('/') ? baseUrl : new Uri(baseUrl.AbsoluteUri + "/");
    }

    /// <summary>The URL <paramref name="file"/> is downloaded from.</summary>
    public Uri UrlFor(DatasetFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        return _baseUrl is null ? file.Url : new Uri(_baseUrl, file.RelativePath);
    }

    /// <summary>Returns the file's path, downloading and verifying it first if it is missing.</summary>
    public async Task<string> EnsureAsync(DataDirectory directory, DatasetFile file, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(file);
        var target = directory.GetPath(file.RelativePath);
        if (File.Exists(target))
        {
            return target;
        }

        var created = CreateDirectories(Path.GetDirectoryName(target)!);
        var temp = target + "." + Path.GetRandomFileName() + ".part";
        var url = UrlFor(file);
        var placed = false;
        try
        {
            await DownloadAsync(url, temp, file.RelativePath, ByHand(file, target), cancellationToken).ConfigureAwait(false);
            Verify(temp, file, url);
            try
            {
                File.Move(temp, target, overwrite: false);
            }
            catch (IOException) when (File.Exists(target))
            {
                // Another process placed the same file first; keep theirs.
            }

            placed = true;
            return target;
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }

            if (!placed)
            {
                RemoveEmpty(created);
            }
        }
    }

    /// <summary>How to provide <paramref name="file"/> without a download: where to put it and how to check it.</summary>
    private static string ByHand(DatasetFile file, string target)
    {
        var check = file.Sha256 is null
            ? ""
            : file.RelativePath.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)
                ? $" (SHA-256 of its decompressed content: {file.Sha256})"
                : $" (SHA-256: {file.Sha256})";
        return $"To provide it by hand, download {file.Url} elsewhere and save it as {target}{check}.";
    }

    /// <summary>Creates <paramref name="directory"/> and any missing parent; returns the folders created, outermost first.</summary>
    private static List<string> CreateDirectories(string directory)
    {
        var created = new List<string>();
        for (var dir = new DirectoryInfo(directory); dir is not null && !dir.Exists; dir = dir.Parent)
        {
            created.Insert(0, dir.FullName);
        }

        Directory.CreateDirectory(directory);
        return created;
    }

    /// <summary>Removes the folders a failed download created, innermost first, as long as they are empty.</summary>
    private static void RemoveEmpty(List<string> created)
    {
        for (var i = created.Count - 1; i >= 0; i--)
        {
            try
            {
                if (!Directory.Exists(created[i]) || Directory.EnumerateFileSystemEntries(created[i]).Any())
                {
                    return;
                }

                Directory.Delete(created[i]);
            }
            catch (IOException)
            {
                return;
            }
            catch (UnauthorizedAccessException)
            {
                return;
            }
        }
    }

    /// <summary>The URL <paramref name="archive"/> is downloaded from.</summary>
    public Uri UrlFor(DatasetArchive archive)
    {
        ArgumentNullException.ThrowIfNull(archive);
        return _baseUrl is null ? archive.Url : new Uri(_baseUrl, archive.RelativePath);
    }

    /// <summary>
    /// Makes sure every member of <paramref name="archive"/> is in <paramref name="directory"/>: if any is missing,
    /// downloads the archive, extracts and verifies the missing members, and moves them into place only once all of
    /// them passed. Nothing is left behind on failure.
    /// </summary>
    public async Task EnsureArchiveAsync(DataDirectory directory, DatasetArchive archive, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(archive);
        var missing = archive.Members.Where(m => !directory.Contains(m.File.RelativePath)).ToList();
        if (missing.Count == 0)
        {
            return;
        }

        var archivePath = directory.GetPath(archive.RelativePath);
        var created = CreateDirectories(Path.GetDirectoryName(archivePath)!);
        var archiveTemp = archivePath + "." + Path.GetRandomFileName() + ".part";
        var extracted = new Dictionary<ArchiveMember, string>();
        var url = UrlFor(archive);
        var placed = false;
        var byHand = $"To provide the files by hand, download {archive.Url} elsewhere and extract {string.Join(", ", missing.Select(m => m.EntryName))} as {string.Join(", ", missing.Select(m => directory.GetPath(m.File.RelativePath)))}.";
        try
        {
            await DownloadAsync(url, archiveTemp, archive.RelativePath, byHand, cancellationToken).ConfigureAwait(false);
            await ExtractAsync(directory, archive, archiveTemp, missing, extracted, cancellationToken).ConfigureAwait(false);
            foreach (var member in missing)
            {
                if (!extracted.TryGetValue(member, out var temp))
                {
                    throw new DatasetException(archive.RelativePath, $"archive downloaded from {url} has no entry '{member.EntryName}' (for {member.File.RelativePath})");
                }

                Verify(temp, member.File, url);
            }

            foreach (var member in missing)
            {
                var target = directory.GetPath(member.File.RelativePath);
                try
                {
                    File.Move(extracted[member], target, overwrite: false);
                }
                catch (IOException) when (File.Exists(target))
                {
                    // Placed by another process meanwhile; keep it.
                }
            }

            placed = true;
        }
        finally
        {
            foreach (var temp in extracted.Values.Append(archiveTemp))
            {
                if (File.Exists(temp))
                {
                    File.Delete(temp);
                }
            }

            if (!placed)
            {
                RemoveEmpty(created);
            }
        }
    }

    private static async Task ExtractAsync(
        DataDirectory directory, DatasetArchive archive, string archiveTemp, List<ArchiveMember> wanted,
        Dictionary<ArchiveMember, string> extracted, CancellationToken cancellationToken)
    {
        try
        {
            var file = new FileStream(archiveTemp, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
            await using (file.ConfigureAwait(false))
            {
                var gzip = new System.IO.Compression.GZipStream(file, System.IO.Compression.CompressionMode.Decompress);
                await using (gzip.ConfigureAwait(false))
                {
                    var tar = new System.Formats.Tar.TarReader(gzip);
                    await using (tar.ConfigureAwait(false))
                    {
                        System.Formats.Tar.TarEntry? entry;
                        while ((entry = await tar.GetNextEntryAsync(copyData: false, cancellationToken).ConfigureAwait(false)) is not null)
                        {
                            var name = entry.Name.StartsWith("./", StringComparison.Ordinal) ? entry.Name[2..] : entry.Name;
                            var member = wanted.FirstOrDefault(m => string.Equals(m.EntryName, name, StringComparison.Ordinal));
                            if (member is null || entry.DataStream is null || extracted.ContainsKey(member))
                            {
                                continue;
                            }

                            var temp = directory.GetPath(member.File.RelativePath) + "." + Path.GetRandomFileName() + ".part";
                            Directory.CreateDirectory(Path.GetDirectoryName(temp)!);
                            extracted[member] = temp;
                            var output = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
                            await using (output.ConfigureAwait(false))
                            {
                                await entry.DataStream.CopyToAsync(output, cancellationToken).ConfigureAwait(false);
                            }
                        }
                    }
                }
            }
        }
        catch (Exception ex) when (ex is InvalidDataException or FormatException or EndOfStreamException)
        {
            throw new DatasetException(archive.RelativePath, "corrupt tar.gz archive: " + ex.Message, ex);
        }
    }

    /// <summary>
    /// Checks that the file at <paramref name="path"/> matches <paramref name="file"/>'s checksum (of the decompressed
    /// content for gzip) or, without one, its format; throws a <see cref="DatasetException"/> naming the file otherwise.
    /// </summary>
    public static void Verify(string path, DatasetFile file, Uri? source = null)
    {
        ArgumentNullException.ThrowIfNull(file);
        var from = source is null ? "" : $" (downloaded from {source})";
        if (file.Sha256 is not null)
        {
            DatasetVerifier.RequireSha256(
                path, file, file.RelativePath, () => source is null ? "it is not the registry's file" : $"downloaded from {source}, so the download was discarded");
            return;
        }

        try
        {
            switch (file.Format)
            {
                case DatasetFileFormat.IdxImages:
                    var images = IdxLoader.ReadImages(path);
                    if (images.Rows != 28 || images.Columns != 28 || (file.ExpectedCount is int n && images.Count != n))
                    {
                        throw new DatasetException(file.RelativePath, $"unexpected content: {images.Count} images of {images.Rows}×{images.Columns}, expected {file.ExpectedCount} of 28×28{from}");
                    }

                    break;
                case DatasetFileFormat.Cifar10Batch:
                    Cifar10Loader.ValidateBatch(path, file.ExpectedCount ?? Cifar10Loader.RecordsPerBatch);
                    break;
                case DatasetFileFormat.IdxLabels:
                    var labels = IdxLoader.ReadLabels(path);
                    if (file.ExpectedCount is int m && labels.Length != m)
                    {
                        throw new DatasetException(file.RelativePath, $"unexpected content: {labels.Length} labels, expected {m}{from}");
                    }

                    break;
                default:
                    throw new DatasetException(file.RelativePath, $"cannot be verified: no checksum is known for it{from}");
            }
        }
        catch (DatasetException ex) when (ex.FilePath != file.RelativePath)
        {
            // Re-word loader errors about the temporary path in terms of the registry file.
            var problem = ex.FilePath is null ? ex.Message : ex.Message[(ex.FilePath.Length + 2)..];
            throw new DatasetException(file.RelativePath, "invalid download: " + problem + from, ex);
        }
    }

    /// <summary>Downloads <paramref name="url"/> to <paramref name="temp"/>; a failure names the file and says <paramref name="byHand"/>.</summary>
    private async Task DownloadAsync(Uri url, string temp, string name, string byHand, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await _http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new DatasetException(name, $"download from {url} failed: HTTP {(int)response.StatusCode} {response.ReasonPhrase}. {byHand}");
            }

            var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (body.ConfigureAwait(false))
            {
                var output = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
                await using (output.ConfigureAwait(false))
                {
                    await body.CopyToAsync(output, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (HttpRequestException ex)
        {
            throw new DatasetException(name, $"download from {url} failed: {ex.Message}. {byHand}", ex);
        }
        catch (IOException ex)
        {
            throw new DatasetException(name, $"download from {url} failed: {ex.Message}. {byHand}", ex);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new DatasetException(name, $"download from {url} timed out. {byHand}", ex);
        }
    }
}
