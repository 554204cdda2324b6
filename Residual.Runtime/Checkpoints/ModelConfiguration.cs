using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.Json;

namespace Residual.Checkpoints;

/// <summary>
/// A model's declared configuration as checkpoint metadata: the whole <see cref="ModelDescription"/> as one JSON
/// string under <see cref="Key"/>, and, for a GPT-2-shaped model, Hugging Face's <c>GPT2Config</c> fields
/// (<c>vocab_size</c>, <c>n_positions</c>, <c>n_embd</c>, <c>n_layer</c>, <c>n_head</c>, <c>n_inner</c>, …) so that
/// other tools can build the matching module without knowing Residual.
/// </summary>
public static class ModelConfiguration
{
    /// <summary>The metadata key of the declared configuration (JSON).</summary>
    public const string Key = "residual.model";

    /// <summary>The metadata key of the checkpoint format's version.</summary>
    public const string FormatKey = "residual.format";

    /// <summary>The checkpoint format version this library writes and reads.</summary>
    public const string FormatVersion = "1";

    /// <summary>The metadata pairs that describe <paramref name="description"/>, in a fixed order.</summary>
    /// <param name="description">The declared model.</param>
    public static IReadOnlyList<KeyValuePair<string, string>> Metadata(ModelDescription description)
    {
        ArgumentNullException.ThrowIfNull(description);
        var pairs = new List<KeyValuePair<string, string>>
        {
            new("format", "pt"),
            new(FormatKey, FormatVersion),
            new(Key, ToJson(description)),
        };
        if (IsGpt2(description, out var attention, out var mlp))
        {
            string Int(int v) => v.ToString(CultureInfo.InvariantCulture);
            pairs.Add(new("model_type", "gpt2"));
            pairs.Add(new("vocab_size", Int(description.Vocab)));
            pairs.Add(new("n_positions", Int(description.Context)));
            pairs.Add(new("n_embd", Int(description.Block.Width)));
            pairs.Add(new("n_layer", Int(description.Layers)));
            pairs.Add(new("n_head", Int(attention.Heads)));
            pairs.Add(new("n_inner", Int(mlp.Hidden)));
            pairs.Add(new("activation_function", mlp.Activation == Activation.Gelu ? "gelu_new" : "relu"));
            pairs.Add(new("layer_norm_epsilon", "1e-05"));
            pairs.Add(new("tie_word_embeddings", "true"));
        }
        return pairs;
    }

    /// <summary>The metadata keys <see cref="Metadata"/> may write; callers cannot use them for their own entries.</summary>
    public static IReadOnlySet<string> ReservedKeys { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "format", FormatKey, Key, "model_type", "vocab_size", "n_positions", "n_embd", "n_layer", "n_head", "n_inner",
        "activation_function", "layer_norm_epsilon", "tie_word_embeddings",
    };

    /// <summary>
    /// Whether the model is GPT-2's architecture: blocks of a pre-LayerNorm attention then a pre-LayerNorm
    /// feed-forward, plain residuals, a final LayerNorm.
    /// </summary>
    private static bool IsGpt2(ModelDescription d, out SublayerDescription attention, out SublayerDescription mlp)
    {
        attention = mlp = null!;
        var s = d.Block.Sublayers;
        if (d.FinalNorm != Norm.LayerNorm || s.Count != 2) return false;
        bool Plain(SublayerDescription x) => x.Placement == NormPlacement.Pre && x.Norm == Norm.LayerNorm && x.Residual
            && x.Scale == 1 && !x.LearnableScale && x.Alpha == 1;
        if (s[0].Kind != SublayerKind.Attention || s[0].Prefix != "attn" || !Plain(s[0])) return false;
        if (s[1].Kind != SublayerKind.FeedForward || s[1].Prefix != "mlp" || !Plain(s[1])) return false;
        attention = s[0];
        mlp = s[1];
        return true;
    }

    /// <summary>The description as compact JSON with a fixed property order (the value stored under <see cref="Key"/>).</summary>
    /// <param name="description">The declared model.</param>
    public static string ToJson(ModelDescription description)
    {
        ArgumentNullException.ThrowIfNull(description);
        var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("name", description.Name);
            w.WriteNumber("vocab", description.Vocab);
            w.WriteNumber("context", description.Context);
            w.WriteNumber("layers", description.Layers);
            w.WriteString("final_norm", description.FinalNorm.ToString());
            w.WriteStartObject("block");
            w.WriteString("name", description.Block.Name);
            w.WriteNumber("width", description.Block.Width);
            w.WriteStartArray("sublayers");
            foreach (var s in description.Block.Sublayers)
            {
                w.WriteStartObject();
                w.WriteString("member", s.Member);
                w.WriteString("kind", s.Kind.ToString());
                w.WriteString("placement", s.Placement.ToString());
                w.WriteString("norm", s.Norm.ToString());
                w.WriteBoolean("residual", s.Residual);
                w.WriteNumber("scale", s.Scale);
                w.WriteBoolean("learnable_scale", s.LearnableScale);
                w.WriteNumber("alpha", s.Alpha);
                w.WriteNumber("heads", s.Heads);
                w.WriteNumber("hidden", s.Hidden);
                w.WriteString("activation", s.Activation.ToString());
                w.WriteString("prefix", s.Prefix);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>
    /// Compares the configuration stored in a checkpoint with <paramref name="expected"/> and lists every
    /// architectural difference (type and member names are not compared: they do not change the weights).
    /// </summary>
    /// <param name="storedJson">The value stored under <see cref="Key"/>.</param>
    /// <param name="expected">The model being loaded into.</param>
    /// <returns>One line per difference; empty when the architectures agree.</returns>
    /// <exception cref="CheckpointException">The stored value is not a configuration this library wrote.</exception>
    public static IReadOnlyList<string> Differences(string storedJson, ModelDescription expected)
    {
        ArgumentNullException.ThrowIfNull(storedJson);
        ArgumentNullException.ThrowIfNull(expected);
        var diffs = new List<string>();
        try
        {
            using var doc = JsonDocument.Parse(storedJson);
            var root = doc.RootElement;
            string name = root.GetProperty("name").GetString() ?? "?";
            void Compare(string what, string stored, string wanted)
            {
                if (stored != wanted) diffs.Add($"{what}: checkpoint has {stored}, {expected.Name} declares {wanted}");
            }
            string Int(int v) => v.ToString(CultureInfo.InvariantCulture);
            string Num(JsonElement e) => e.GetDouble().ToString("R", CultureInfo.InvariantCulture);
            string Dbl(double v) => v.ToString("R", CultureInfo.InvariantCulture);
            Compare("Vocab", Int(root.GetProperty("vocab").GetInt32()), Int(expected.Vocab));
            Compare("Context", Int(root.GetProperty("context").GetInt32()), Int(expected.Context));
            Compare("Layers", Int(root.GetProperty("layers").GetInt32()), Int(expected.Layers));
            Compare("FinalNorm", root.GetProperty("final_norm").GetString()!, expected.FinalNorm.ToString());
            var block = root.GetProperty("block");
            Compare("block Width", Int(block.GetProperty("width").GetInt32()), Int(expected.Block.Width));
            var subs = block.GetProperty("sublayers");
            int n = subs.GetArrayLength();
            if (n != expected.Block.Sublayers.Count)
            {
                diffs.Add($"sublayers per block: checkpoint has {n}, {expected.Block.Name} declares {expected.Block.Sublayers.Count}");
            }
            else
            {
                for (int i = 0; i < n; i++)
                {
                    var f = subs[i];
                    var s = expected.Block.Sublayers[i];
                    string who = $"sublayer {i + 1} ({s.Member})";
                    Compare($"{who} kind", f.GetProperty("kind").GetString()!, s.Kind.ToString());
                    Compare($"{who} norm placement", f.GetProperty("placement").GetString()!, s.Placement.ToString());
                    Compare($"{who} norm", f.GetProperty("norm").GetString()!, s.Norm.ToString());
                    Compare($"{who} residual", f.GetProperty("residual").GetBoolean() ? "true" : "false", s.Residual ? "true" : "false");
                    Compare($"{who} residual scale", Num(f.GetProperty("scale")), Dbl(s.Scale));
                    Compare($"{who} learnable scale", f.GetProperty("learnable_scale").GetBoolean() ? "true" : "false", s.LearnableScale ? "true" : "false");
                    Compare($"{who} residual alpha", Num(f.GetProperty("alpha")), Dbl(s.Alpha));
                    Compare($"{who} heads", Int(f.GetProperty("heads").GetInt32()), Int(s.Heads));
                    Compare($"{who} hidden", Int(f.GetProperty("hidden").GetInt32()), Int(s.Hidden));
                    Compare($"{who} activation", f.GetProperty("activation").GetString()!, s.Activation.ToString());
                    Compare($"{who} parameter prefix", f.GetProperty("prefix").GetString()!, s.Prefix);
                }
            }
            if (diffs.Count > 0) diffs.Insert(0, $"the checkpoint was written by model {name}");
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new CheckpointException($"The {Key} metadata is not a model configuration ({e.Message}).", e);
        }
        return diffs;
    }
}
