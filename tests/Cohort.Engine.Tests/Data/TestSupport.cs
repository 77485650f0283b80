using System.Buffers.Binary;
using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Cohort.Engine.Data;

namespace Cohort.Engine.Tests.Data;

/// <summary>A fresh temporary directory, deleted on dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Root = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "cohort-data-tests-" + System.IO.Path.GetRandomFileName());
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    public string Path(string relative)
    {
        var full = System.IO.Path.Combine(Root, relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        return full;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>Writes small files in the exact IDX / CIFAR-10 formats.</summary>
internal static class FormatWriter
{
    public static byte[] IdxImages(int count, int rows, int columns, Func<int, int, byte> pixel)
    {
        var bytes = new byte[16 + count * rows * columns];
        BinaryPrimitives.WriteInt32BigEndian(bytes, 2051);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), count);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(8), rows);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(12), columns);
        for (var i = 0; i < count; i++)
        {
            for (var p = 0; p < rows * columns; p++)
            {
                bytes[16 + i * rows * columns + p] = pixel(i, p);
            }
        }

        return bytes;
    }

    public static byte[] IdxLabels(IReadOnlyList<byte> labels)
    {
        var bytes = new byte[8 + labels.Count];
        BinaryPrimitives.WriteInt32BigEndian(bytes, 2049);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), labels.Count);
        for (var i = 0; i < labels.Count; i++)
        {
            bytes[8 + i] = labels[i];
        }

        return bytes;
    }

    public static byte[] Cifar(int count, Func<int, byte> label, Func<int, int, byte> pixel)
    {
        var bytes = new byte[count * 3073];
        for (var r = 0; r < count; r++)
        {
            bytes[r * 3073] = label(r);
            for (var p = 0; p < 3072; p++)
            {
                bytes[r * 3073 + 1 + p] = pixel(r, p);
            }
        }

        return bytes;
    }

    public static byte[] Gzip(byte[] content)
    {
        using var memory = new MemoryStream();
        using (var gz = new GZipStream(memory, CompressionLevel.Fastest, leaveOpen: true))
        {
            gz.Write(content);
        }

        return memory.ToArray();
    }
}

/// <summary>
/// A tiny HTTP/1.1 server on 127.0.0.1 (a free port chosen by the OS) answering GET requests from a map of path → body
/// or a folder; anything else is 404. One connection at a time; never reaches beyond loopback.
/// </summary>
internal sealed class LocalHttpServer : IDisposable
{
    private readonly TcpListener _listener;
    private readonly Func<string, byte[]?> _resolve;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public LocalHttpServer(Func<string, byte[]?> resolve)
    {
        _resolve = resolve;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        BaseUrl = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _loop = Task.Run(LoopAsync);
    }

    public Uri BaseUrl { get; }

    public List<string> Requests { get; } = [];

    public static LocalHttpServer ServingFolder(string root) =>
        new(path =>
        {
            var full = System.IO.Path.Combine(root, path.TrimStart('/'));
            return File.Exists(full) ? File.ReadAllBytes(full) : null;
        });

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            using (client)
            {
                try
                {
                    await ServeAsync(client.GetStream());
                }
                catch (IOException)
                {
                }
            }
        }
    }

    private async Task ServeAsync(NetworkStream stream)
    {
        var header = new StringBuilder();
        var one = new byte[1];
        while (!header.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            if (await stream.ReadAsync(one) == 0)
            {
                return;
            }

            header.Append((char)one[0]);
        }

        var requestLine = header.ToString().Split("\r\n")[0].Split(' ');
        var path = Uri.UnescapeDataString(requestLine[1]);
        lock (Requests)
        {
            Requests.Add(path);
        }

        var body = requestLine[0] == "GET" ? _resolve(path) : null;
        var head = body is null
            ? "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            : $"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        if (body is not null)
        {
            await stream.WriteAsync(body);
        }

        await stream.FlushAsync();
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }

        _stop.Dispose();
    }
}
