using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace Residual.Checkpoints;

/// <summary>A file that is not a valid checkpoint, or one that does not fit the model or optimizer it is loaded into.</summary>
public sealed class CheckpointException : IOException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What does not match, exactly.</param>
    public CheckpointException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception around the error that revealed the problem.</summary>
    /// <param name="message">What does not match, exactly.</param>
    /// <param name="inner">The underlying error.</param>
    public CheckpointException(string message, Exception inner) : base(message, inner)
    {
    }
}

/// <summary>One tensor of a safetensors file: name, element type, shape and where its bytes are in the data section.</summary>
/// <param name="Name">The tensor's name, such as <c>h.0.attn.c_attn.weight</c>.</param>
/// <param name="DType">The element type as safetensors writes it (<c>F32</c>, <c>F16</c>, <c>I64</c>, …).</param>
/// <param name="Shape">Row-major shape.</param>
/// <param name="Begin">First byte in the data section (after the header).</param>
/// <param name="End">One past the last byte in the data section.</param>
public sealed record SafeTensorEntry(string Name, string DType, long[] Shape, long Begin, long End)
{
    /// <summary>The shape written as <c>[a, b]</c>.</summary>
    public string ShapeText => "[" + string.Join(", ", Shape) + "]";

    /// <summary>Number of elements (the product of the shape).</summary>
    public long ElementCount
    {
        get
        {
            long n = 1;
            foreach (long d in Shape) n = checked(n * d);
            return n;
        }
    }
}

/// <summary>A tensor to write: its name, shape and 32-bit float values in row-major order.</summary>
/// <param name="Name">The tensor's name.</param>
/// <param name="Shape">Row-major shape; the product must equal the number of values.</param>
/// <param name="Values">The values.</param>
public readonly record struct SafeTensorData(string Name, int[] Shape, ReadOnlyMemory<float> Values);

/// <summary>
/// Reads and writes the <see href="https://github.com/huggingface/safetensors">safetensors</see> format:
/// an 8-byte little-endian header length <c>N</c>, <c>N</c> bytes of UTF-8 JSON mapping each tensor name to
/// <c>{"dtype", "shape", "data_offsets": [begin, end]}</c> (plus an optional <c>"__metadata__"</c> map of
/// strings to strings), then the tensors' raw little-endian bytes.
/// </summary>
/// <remarks>
/// Reading is strict: the header length must fit the file and <see cref="MaxHeaderBytes"/>; the JSON must be an
/// object without duplicate keys; every tensor needs a known dtype, a shape of non-negative integers and offsets
/// whose length matches the shape; the tensors must tile the data section exactly (no gaps, no overlaps, nothing
/// after the last one). Writing is deterministic: the same tensors and metadata give the same bytes.
/// </remarks>
public static class SafeTensors
{
    /// <summary>Largest header accepted (100 MB, the bound of the reference implementation).</summary>
    public const long MaxHeaderBytes = 100_000_000;

    /// <summary>The key of the metadata map in the header.</summary>
    public const string MetadataKey = "__metadata__";

    private static readonly Dictionary<string, int> DTypeSizes = new(StringComparer.Ordinal)
    {
        ["BOOL"] = 1, ["U8"] = 1, ["I8"] = 1, ["F8_E4M3"] = 1, ["F8_E5M2"] = 1,
        ["I16"] = 2, ["U16"] = 2, ["F16"] = 2, ["BF16"] = 2,
        ["I32"] = 4, ["U32"] = 4, ["F32"] = 4,
        ["I64"] = 8, ["U64"] = 8, ["F64"] = 8,
    };

    /// <summary>Writes tensors (as F32) and metadata to <paramref name="output"/>, in the order given.</summary>
    /// <param name="output">A writable stream.</param>
    /// <param name="tensors">The tensors; names must be unique and not <c>__metadata__</c>.</param>
    /// <param name="metadata">String pairs for the header's <c>__metadata__</c>, written in the order given; none when null or empty.</param>
    /// <exception cref="ArgumentException">A name repeats, or a shape does not match its values.</exception>
    public static void Write(Stream output, IReadOnlyList<SafeTensorData> tensors, IEnumerable<KeyValuePair<string, string>>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(tensors);
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var t in tensors)
        {
            if (t.Name is null || t.Name == MetadataKey || !names.Add(t.Name))
                throw new ArgumentException($"Tensor name '{t.Name}' is missing, reserved or appears twice.", nameof(tensors));
            long count = 1;
            foreach (int d in t.Shape) count = d < 0 ? -1 : checked(count * d);
            if (count != t.Values.Length)
                throw new ArgumentException($"Tensor '{t.Name}' has shape [{string.Join(", ", t.Shape)}] but {t.Values.Length} values.", nameof(tensors));
        }

        var header = new MemoryStream();
        using (var json = new Utf8JsonWriter(header))
        {
            json.WriteStartObject();
            var pairs = metadata?.ToArray() ?? [];
            if (pairs.Length > 0)
            {
                json.WriteStartObject(MetadataKey);
                foreach (var (key, value) in pairs) json.WriteString(key, value);
                json.WriteEndObject();
            }
            long offset = 0;
            foreach (var t in tensors)
            {
                json.WriteStartObject(t.Name);
                json.WriteString("dtype", "F32");
                json.WriteStartArray("shape");
                foreach (int d in t.Shape) json.WriteNumberValue(d);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                offset += 4L * t.Values.Length;
                json.WriteNumberValue(offset);
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }
        // The format allows trailing spaces in the header; padding to 8 bytes aligns the data for readers that map it.
        while (header.Length % 8 != 0) header.WriteByte((byte)' ');

        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
        output.Write(length);
        header.Position = 0;
        header.CopyTo(output);
        byte[] buffer = new byte[1 << 16];
        foreach (var t in tensors)
        {
            var values = t.Values.Span;
            for (int start = 0; start < values.Length; start += buffer.Length / 4)
            {
                var chunk = values.Slice(start, Math.Min(buffer.Length / 4, values.Length - start));
                for (int i = 0; i < chunk.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(buffer.AsSpan(4 * i), chunk[i]);
                output.Write(buffer, 0, 4 * chunk.Length);
            }
        }
    }

    /// <summary>Reads and validates a whole file (see the remarks of <see cref="SafeTensors"/> for what is checked).</summary>
    /// <param name="path">The file.</param>
    /// <exception cref="CheckpointException">The file is not valid safetensors; the message says where.</exception>
    public static SafeTensorsFile Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException)
        {
            throw new CheckpointException($"{path}: cannot be read ({e.Message}).", e);
        }
        return Parse(bytes, path);
    }

    /// <summary>Validates <paramref name="bytes"/> as a safetensors file.</summary>
    /// <param name="bytes">The whole file.</param>
    /// <param name="source">Names the file in messages.</param>
    /// <exception cref="CheckpointException">The bytes are not valid safetensors; the message says where.</exception>
    public static SafeTensorsFile Parse(byte[] bytes, string source)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        ArgumentNullException.ThrowIfNull(source);
        if (bytes.Length < 8)
            throw new CheckpointException($"{source}: {bytes.Length} bytes is too short for a safetensors file (it starts with an 8-byte header length).");
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (headerLength > MaxHeaderBytes)
            throw new CheckpointException($"{source}: the header claims {headerLength:N0} bytes, more than the {MaxHeaderBytes:N0} allowed.");
        if (headerLength > (ulong)(bytes.Length - 8))
            throw new CheckpointException($"{source}: the header claims {headerLength:N0} bytes but only {bytes.Length - 8:N0} follow the length field (truncated file?).");
        int dataStart = 8 + (int)headerLength;

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes.AsMemory(8, (int)headerLength));
        }
        catch (JsonException e)
        {
            throw new CheckpointException($"{source}: the header is not valid JSON ({e.Message}).", e);
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new CheckpointException($"{source}: the header is a JSON {root.ValueKind}, not an object.");
            var metadata = new List<KeyValuePair<string, string>>();
            var entries = new List<SafeTensorEntry>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in root.EnumerateObject())
            {
                if (!seen.Add(property.Name))
                    throw new CheckpointException($"{source}: the header names '{property.Name}' twice.");
                if (property.Name == MetadataKey)
                {
                    if (property.Value.ValueKind != JsonValueKind.Object)
                        throw new CheckpointException($"{source}: {MetadataKey} is a JSON {property.Value.ValueKind}, not an object of strings.");
                    var keys = new HashSet<string>(StringComparer.Ordinal);
                    foreach (var m in property.Value.EnumerateObject())
                    {
                        if (m.Value.ValueKind != JsonValueKind.String)
                            throw new CheckpointException($"{source}: {MetadataKey}.{m.Name} is a JSON {m.Value.ValueKind}; metadata values must be strings.");
                        if (!keys.Add(m.Name))
                            throw new CheckpointException($"{source}: {MetadataKey} names '{m.Name}' twice.");
                        metadata.Add(new(m.Name, m.Value.GetString()!));
                    }
                    continue;
                }
                entries.Add(ParseEntry(property, source));
            }

            // The tensors must tile the data section: sorted by offset, each starts where the previous ended.
            long dataLength = bytes.Length - dataStart;
            long expected = 0;
            foreach (var e in entries.OrderBy(e => e.Begin).ThenBy(e => e.End))
            {
                if (e.Begin != expected)
                    throw new CheckpointException(e.Begin < expected
                        ? $"{source}: tensor '{e.Name}' starts at byte {e.Begin} of the data, inside the previous tensor (which ends at {expected})."
                        : $"{source}: tensor '{e.Name}' starts at byte {e.Begin} of the data, leaving a gap after byte {expected}.");
                if (e.End > dataLength)
                    throw new CheckpointException($"{source}: tensor '{e.Name}' ends at byte {e.End} of the data, but the data section has only {dataLength} bytes (truncated file?).");
                expected = e.End;
            }
            if (expected != dataLength)
                throw new CheckpointException($"{source}: the tensors end at byte {expected} of the data, but the data section has {dataLength} bytes.");
            return new SafeTensorsFile(source, metadata, entries, bytes, dataStart);
        }
    }

    private static SafeTensorEntry ParseEntry(JsonProperty property, string source)
    {
        string name = property.Name;
        string where = $"{source}: tensor '{name}'";
        var value = property.Value;
        if (value.ValueKind != JsonValueKind.Object)
            throw new CheckpointException($"{where} is a JSON {value.ValueKind}, not an object with dtype, shape and data_offsets.");
        JsonElement dtype = default, shape = default, offsets = default;
        foreach (var field in value.EnumerateObject())
        {
            switch (field.Name)
            {
                case "dtype": dtype = field.Value; break;
                case "shape": shape = field.Value; break;
                case "data_offsets": offsets = field.Value; break;
                default: throw new CheckpointException($"{where} has an unknown field '{field.Name}'.");
            }
        }
        if (dtype.ValueKind != JsonValueKind.String)
            throw new CheckpointException($"{where} has no dtype string.");
        string type = dtype.GetString()!;
        if (!DTypeSizes.TryGetValue(type, out int size))
            throw new CheckpointException($"{where} has an unknown dtype '{type}'.");
        if (shape.ValueKind != JsonValueKind.Array)
            throw new CheckpointException($"{where} has no shape array.");
        var dims = new List<long>();
        long count = 1;
        foreach (var d in shape.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt64(out long dim) || dim < 0)
                throw new CheckpointException($"{where} has a shape entry {d.GetRawText()} that is not a non-negative integer.");
            dims.Add(dim);
            count = dim == 0 || count == 0 ? 0 : count > long.MaxValue / dim ? throw new CheckpointException($"{where} has a shape [{string.Join(", ", dims)}…] too large to address.") : count * dim;
        }
        if (offsets.ValueKind != JsonValueKind.Array || offsets.GetArrayLength() != 2)
            throw new CheckpointException($"{where} has no data_offsets pair [begin, end].");
        if (!offsets[0].TryGetInt64(out long begin) || !offsets[1].TryGetInt64(out long end) || begin < 0 || end < begin)
            throw new CheckpointException($"{where} has data_offsets {offsets.GetRawText()}; expected integers 0 ≤ begin ≤ end.");
        if (count > long.MaxValue / size || end - begin != count * size)
            throw new CheckpointException($"{where} has shape [{string.Join(", ", dims)}] of {type} ({count} × {size} bytes) but data_offsets {offsets.GetRawText()} span {end - begin} bytes.");
        return new SafeTensorEntry(name, type, dims.ToArray(), begin, end);
    }
}

/// <summary>A validated safetensors file in memory: its metadata, its tensor entries and its bytes.</summary>
public sealed class SafeTensorsFile
{
    private readonly byte[] _bytes;
    private readonly int _dataStart;
    private readonly Dictionary<string, SafeTensorEntry> _byName;

    internal SafeTensorsFile(string source, IReadOnlyList<KeyValuePair<string, string>> metadata, IReadOnlyList<SafeTensorEntry> tensors, byte[] bytes, int dataStart)
    {
        Source = source;
        Metadata = metadata;
        Tensors = tensors;
        _bytes = bytes;
        _dataStart = dataStart;
        _byName = tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
    }

    /// <summary>Where the file came from (for messages).</summary>
    public string Source { get; }

    /// <summary>The <c>__metadata__</c> pairs, in file order (empty when the header has none).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Metadata { get; }

    /// <summary>The tensors, in header order.</summary>
    public IReadOnlyList<SafeTensorEntry> Tensors { get; }

    /// <summary>A metadata value, or null when the key is absent.</summary>
    /// <param name="key">The metadata key.</param>
    public string? MetadataValue(string key)
    {
        foreach (var (k, v) in Metadata) if (k == key) return v;
        return null;
    }

    /// <summary>Finds a tensor by name.</summary>
    /// <param name="name">The tensor's name.</param>
    /// <param name="entry">The entry, when found.</param>
    public bool TryGetTensor(string name, out SafeTensorEntry entry) => _byName.TryGetValue(name, out entry!);

    /// <summary>Copies an F32 tensor's values into <paramref name="destination"/> (exactly its element count long).</summary>
    /// <param name="entry">An entry of this file.</param>
    /// <param name="destination">Receives the values in row-major order.</param>
    /// <exception cref="CheckpointException">The tensor is not F32.</exception>
    /// <exception cref="ArgumentException"><paramref name="destination"/> has the wrong length.</exception>
    public void ReadFloats(SafeTensorEntry entry, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (entry.DType != "F32")
            throw new CheckpointException($"{Source}: tensor '{entry.Name}' is {entry.DType}; only F32 is read.");
        if (destination.Length != entry.ElementCount)
            throw new ArgumentException($"destination has {destination.Length} floats; tensor '{entry.Name}' has {entry.ElementCount}.", nameof(destination));
        var bytes = _bytes.AsSpan(_dataStart + (int)entry.Begin, (int)(entry.End - entry.Begin));
        if (BitConverter.IsLittleEndian)
            MemoryMarshal.Cast<byte, float>(bytes).CopyTo(destination);
        else
            for (int i = 0; i < destination.Length; i++) destination[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.Slice(4 * i));
    }

    /// <summary>The header text (for diagnostics).</summary>
    public string HeaderText => Encoding.UTF8.GetString(_bytes, 8, _dataStart - 8).TrimEnd(' ');
}
