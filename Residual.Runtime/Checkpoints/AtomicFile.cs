using System;
using System.IO;

namespace Residual.Checkpoints;

/// <summary>Writes a file so that a crash leaves either the old file or the new one, never a part of the new one.</summary>
internal static class AtomicFile
{
    /// <summary>
    /// Writes everything <paramref name="write"/> produces to a temporary file in the destination's folder, flushes it to
    /// disk, then renames it over <paramref name="path"/> (a rename within one folder replaces the file in one step).
    /// </summary>
    public static void Write(string path, Action<Stream> write)
    {
        string full = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(full) ?? ".";
        Directory.CreateDirectory(folder);
        string temp = Path.Combine(folder, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }
}
