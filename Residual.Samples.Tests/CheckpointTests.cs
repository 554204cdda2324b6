using System;
using System.Buffers.Binary;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json.Nodes;
using Residual.Checkpoints;
using Xunit;

namespace Residual.Samples.Tests;

public class CheckpointTests
{
    private static TinyLm Model(ulong seed) => new(new ModelOptions { Seed = seed });

    [Fact]
    public void Save_then_load_then_save_gives_identical_bytes()
    {
        using var temp = new TempFolder();
        var model = Model(1);
        Checkpoint.Save(model, temp.File("a.safetensors"), [new("note", "first")]);
        var copy = Model(2);
        var metadata = Checkpoint.Load(copy, temp.File("a.safetensors"));
        Checkpoint.Save(copy, temp.File("b.safetensors"), metadata);

        Assert.Equal(File.ReadAllBytes(temp.File("a.safetensors")), File.ReadAllBytes(temp.File("b.safetensors")));
        Assert.Equal(model.Parameters.Data, copy.Parameters.Data);
        Assert.Equal([new("note", "first")], metadata);
        Assert.Equal(["a.safetensors", "b.safetensors"], Directory.GetFiles(temp.Path).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void File_has_gpt2_names_conv1d_orientation_and_the_configuration()
    {
        using var temp = new TempFolder();
        var model = Model(3);
        Checkpoint.Save(model, temp.File("m.safetensors"));
        var file = SafeTensors.Read(temp.File("m.safetensors"));

        Assert.Equal(model.Parameters.Tensors.Select(t => t.Name), file.Tensors.Select(t => t.Name));
        Assert.Equal("h.0.attn.c_attn.weight", file.Tensors[4].Name);
        // GPT-2's Conv1D layout: c_attn [C, 3C], c_fc [C, hidden], mlp.c_proj [hidden, C]; the arena holds [out, in].
        Assert.True(file.TryGetTensor("h.1.attn.c_attn.weight", out var attn));
        Assert.Equal(new long[] { 16, 48 }, attn.Shape);
        Assert.True(file.TryGetTensor("h.0.mlp.c_fc.weight", out var fc));
        Assert.Equal(new long[] { 16, 32 }, fc.Shape);
        Assert.True(file.TryGetTensor("h.0.mlp.c_proj.weight", out var proj));
        Assert.Equal(new long[] { 32, 16 }, proj.Shape);
        Assert.True(file.TryGetTensor("wte.weight", out var wte));
        Assert.Equal(new long[] { 20, 16 }, wte.Shape);

        var values = new float[16 * 48];
        file.ReadFloats(attn, values);
        var arena = model.Parameters["h.1.attn.c_attn.weight"];  // [48, 16]
        for (int o = 0; o < 48; o++)
            for (int i = 0; i < 16; i++)
                Assert.Equal(arena[o * 16 + i], values[i * 48 + o]);

        Assert.Equal("16", file.MetadataValue("n_embd"));
        Assert.Equal("2", file.MetadataValue("n_layer"));
        Assert.Equal("2", file.MetadataValue("n_head"));
        Assert.Equal("32", file.MetadataValue("n_inner"));
        Assert.Equal("8", file.MetadataValue("n_positions"));
        Assert.Equal("20", file.MetadataValue("vocab_size"));
        Assert.Equal(ModelConfiguration.ToJson(TinyLm.Description), file.MetadataValue(ModelConfiguration.Key));
    }

    [Fact]
    public void Saving_replaces_the_file_and_leaves_no_temporary_file()
    {
        using var temp = new TempFolder();
        string path = temp.File("m.safetensors");
        Checkpoint.Save(Model(1), path);
        var second = Model(2);
        Checkpoint.Save(second, path);
        var loaded = Model(3);
        Checkpoint.Load(loaded, path);
        Assert.Equal(second.Parameters.Data, loaded.Parameters.Data);
        Assert.Single(Directory.GetFiles(temp.Path));
    }

    [Fact]
    public void A_reserved_metadata_key_is_refused_before_the_file_is_touched()
    {
        using var temp = new TempFolder();
        string path = temp.File("m.safetensors");
        Checkpoint.Save(Model(1), path);
        byte[] before = File.ReadAllBytes(path);
        var e = Assert.Throws<ArgumentException>(() => Checkpoint.Save(Model(2), path, [new("n_layer", "7")]));
        Assert.Contains("'n_layer' is reserved", e.Message);
        Assert.Equal(before, File.ReadAllBytes(path));
    }

    // ── Refusals: each bad file is refused with a message that says what is wrong, and the model keeps its weights. ──

    public static TheoryData<string, string> BadFiles => new()
    {
        { "corrupt", "not valid JSON" },
        { "truncated", "truncated file?" },
        { "header-beyond-file", "only" },
        { "oversized-header", "more than the 100,000,000 allowed" },
        { "wrong-shape", "tensor 'h.0.attn.c_attn.weight' has shape [48, 16], expected [16, 48]" },
        { "wrong-name", "tensor 'h.0.attn.c_attn.weight' [16, 48] is missing" },
        { "extra-tensor", "tensor 'lm_head.weight' [20, 16] is not a parameter of TinyLm" },
        { "wrong-dtype", "tensor 'wpe.weight' is I32, expected F32" },
        { "gap", "leaving a gap" },
        { "overlap", "inside the previous tensor" },
        { "offsets-disagree-with-shape", "span" },
        { "duplicate-name", "names 'wte.weight' twice" },
        { "no-configuration", "has no 'residual.model' configuration" },
        { "other-model", "Layers: checkpoint has 3, TinyLm declares 2" },
        { "empty", "too short" },
        { "header-not-object", "not an object" },
        { "metadata-not-string", "metadata values must be strings" },
    };

    [Theory]
    [MemberData(nameof(BadFiles))]
    public void A_bad_file_is_refused_with_a_clear_message_and_the_model_is_unchanged(string kind, string expected)
    {
        using var temp = new TempFolder();
        string good = temp.File("good.safetensors"), bad = temp.File("bad.safetensors");
        Checkpoint.Save(Model(1), good);
        if (kind == "other-model") Checkpoint.Save(new DeeperLm(), bad);
        else File.WriteAllBytes(bad, Corrupt(File.ReadAllBytes(good), kind));

        var model = Model(2);
        float[] before = (float[])model.Parameters.Data.Clone();
        var e = Assert.Throws<CheckpointException>(() => Checkpoint.Load(model, bad));
        Assert.Contains(expected, e.Message);
        Assert.Contains(bad, e.Message);
        Assert.Equal(before, model.Parameters.Data);
    }

    private static byte[] Corrupt(byte[] file, string kind)
    {
        int headerLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(file);
        var header = JsonNode.Parse(Encoding.UTF8.GetString(file, 8, headerLength))!.AsObject();
        byte[] data = file[(8 + headerLength)..];
        JsonObject Entry(string name) => header[name]!.AsObject();
        void Offsets(string name, long begin, long end) => Entry(name)["data_offsets"] = new JsonArray(begin, end);
        long Begin(string name) => Entry(name)["data_offsets"]![0]!.GetValue<long>();
        long End(string name) => Entry(name)["data_offsets"]![1]!.GetValue<long>();
        switch (kind)
        {
            case "corrupt":
                file = (byte[])file.Clone();
                file[8 + headerLength / 2] = (byte)'{';
                file[9 + headerLength / 2] = (byte)'"';
                return file;
            case "truncated":
                return file[..(file.Length - 100)];
            case "header-beyond-file":
                return file[..(8 + headerLength - 10)];
            case "oversized-header":
                file = (byte[])file.Clone();
                BinaryPrimitives.WriteUInt64LittleEndian(file, 200_000_000);
                return file;
            case "empty":
                return [1, 2, 3];
            case "wrong-shape":
                Entry("h.0.attn.c_attn.weight")["shape"] = new JsonArray(48, 16);
                break;
            case "wrong-name":
                var node = Entry("h.0.attn.c_attn.weight");
                header.Remove("h.0.attn.c_attn.weight");
                header["h.0.attn.qkv.weight"] = node;
                break;
            case "extra-tensor":
                header["lm_head.weight"] = new JsonObject { ["dtype"] = "F32", ["shape"] = new JsonArray(20, 16), ["data_offsets"] = new JsonArray(data.Length, data.Length + 20 * 16 * 4) };
                data = [.. data, .. new byte[20 * 16 * 4]];
                break;
            case "wrong-dtype":
                Entry("wpe.weight")["dtype"] = "I32";
                break;
            case "gap":
                Offsets("ln_f.bias", Begin("ln_f.bias") + 4, End("ln_f.bias") + 4);
                data = [.. data, 0, 0, 0, 0];
                break;
            case "overlap":
                Offsets("wpe.weight", Begin("wpe.weight") - 4, End("wpe.weight") - 4);
                break;
            case "offsets-disagree-with-shape":
                Offsets("ln_f.bias", Begin("ln_f.bias"), End("ln_f.bias") - 4);
                break;
            case "duplicate-name":
                string text = header.ToJsonString();
                string wte = Entry("wte.weight").ToJsonString();
                return Join(text[..^1] + ",\"wte.weight\":" + wte + "}", data);
            case "no-configuration":
                header.Remove(SafeTensors.MetadataKey);
                break;
            case "header-not-object":
                return Join("[1, 2, 3]", data);
            case "metadata-not-string":
                header[SafeTensors.MetadataKey]!["n_layer"] = 2;
                break;
            default:
                throw new ArgumentException(kind);
        }
        return Join(header.ToJsonString(), data);
    }

    private static byte[] Join(string header, byte[] data)
    {
        byte[] json = Encoding.UTF8.GetBytes(header);
        var file = new byte[8 + json.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)json.Length);
        json.CopyTo(file, 8);
        data.CopyTo(file, 8 + json.Length);
        return file;
    }
}
