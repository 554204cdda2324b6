using System;
using System.Collections.Generic;
using System.Linq;
using Residual.Kernels;
using Xunit;

namespace Residual.Runtime.Tests.Kernels;

/// <summary>
/// Every span of every kernel is given a length one too short and one too long; the kernel must throw
/// <see cref="ArgumentException"/> naming that parameter, its actual and its expected length, and must
/// leave every buffer untouched.
/// </summary>
public class ArgumentCheckTests
{
    private const int Rows = 3, In = 5, Out = 4, Width = 6, B = 2, T = 3, C = 6, H = 2, Vocab = 5, Context = 4;

    /// <summary>The buffers of one call, by parameter name, with one of them resized.</summary>
    private sealed class Args
    {
        private readonly Dictionary<string, float[]> _floats = new();
        private readonly Dictionary<string, int[]> _ints = new();

        public Args(Case c, string resized, int delta)
        {
            int seed = 1;
            foreach (var (name, length) in c.Floats)
                _floats[name] = TestData.Uniform(length + (name == resized ? delta : 0), seed++);
            foreach (var (name, length) in c.Ints)
                _ints[name] = new int[length + (name == resized ? delta : 0)]; // id 0 is always valid
        }

        public float[] F(string name) => _floats[name];
        public int[] I(string name) => _ints[name];
        public int Length(string name) => _floats.TryGetValue(name, out var f) ? f.Length : _ints[name].Length;
        public float[][] Snapshot() => _floats.Values.Select(a => (float[])a.Clone()).ToArray();
        public IEnumerable<float[]> All => _floats.Values;
    }

    private sealed record Case(string Kernel, (string Name, int Length)[] Floats, (string Name, int Length)[] Ints, Action<Args> Invoke)
    {
        public Case(string kernel, (string, int)[] floats, Action<Args> invoke) : this(kernel, floats, [], invoke) { }
    }

    // Elementwise kernels measure every span against their first input (input, x, dOutput), so that
    // span is not resized here: the complaint would (correctly) name the other span.
    private static readonly Case[] Cases =
    [
        new("MatMul.Forward", [("output", Rows * Out), ("input", Rows * In), ("weight", Out * In), ("bias", Out)],
            a => MatMul.Forward(a.F("output"), a.F("input"), a.F("weight"), a.F("bias"), Rows, In, Out)),
        new("MatMul.BackwardInput", [("dInput", Rows * In), ("dOutput", Rows * Out), ("weight", Out * In)],
            a => MatMul.BackwardInput(a.F("dInput"), a.F("dOutput"), a.F("weight"), Rows, In, Out)),
        new("MatMul.BackwardWeight", [("dWeight", Out * In), ("dOutput", Rows * Out), ("input", Rows * In)],
            a => MatMul.BackwardWeight(a.F("dWeight"), a.F("dOutput"), a.F("input"), Rows, In, Out)),
        new("MatMul.BackwardBias", [("dBias", Out), ("dOutput", Rows * Out)],
            a => MatMul.BackwardBias(a.F("dBias"), a.F("dOutput"), Rows, Out)),
        new("LayerNormKernel.Forward", [("output", Rows * Width), ("mean", Rows), ("rstd", Rows), ("input", Rows * Width), ("weight", Width), ("bias", Width)],
            a => LayerNormKernel.Forward(a.F("output"), a.F("mean"), a.F("rstd"), a.F("input"), a.F("weight"), a.F("bias"), Rows, Width)),
        new("LayerNormKernel.Backward", [("dInput", Rows * Width), ("dWeight", Width), ("dBias", Width), ("dOutput", Rows * Width), ("input", Rows * Width), ("weight", Width), ("mean", Rows), ("rstd", Rows)],
            a => LayerNormKernel.Backward(a.F("dInput"), a.F("dWeight"), a.F("dBias"), a.F("dOutput"), a.F("input"), a.F("weight"), a.F("mean"), a.F("rstd"), Rows, Width)),
        new("RmsNormKernel.Forward", [("output", Rows * Width), ("rstd", Rows), ("input", Rows * Width), ("weight", Width)],
            a => RmsNormKernel.Forward(a.F("output"), a.F("rstd"), a.F("input"), a.F("weight"), Rows, Width)),
        new("RmsNormKernel.Backward", [("dInput", Rows * Width), ("dWeight", Width), ("dOutput", Rows * Width), ("input", Rows * Width), ("weight", Width), ("rstd", Rows)],
            a => RmsNormKernel.Backward(a.F("dInput"), a.F("dWeight"), a.F("dOutput"), a.F("input"), a.F("weight"), a.F("rstd"), Rows, Width)),
        new("CausalAttention.Forward", [("output", B * T * C), ("att", B * H * T * T), ("qkv", B * T * 3 * C)],
            a => CausalAttention.Forward(a.F("output"), a.F("att"), a.F("qkv"), B, T, C, H)),
        new("CausalAttention.Backward", [("dQkv", B * T * 3 * C), ("dAtt", B * H * T * T), ("dOutput", B * T * C), ("qkv", B * T * 3 * C), ("att", B * H * T * T)],
            a => CausalAttention.Backward(a.F("dQkv"), a.F("dAtt"), a.F("dOutput"), a.F("qkv"), a.F("att"), B, T, C, H)),
        new("Gelu.Forward", [("output", 10), ("input!", 10)], a => Gelu.Forward(a.F("output"), a.F("input!"))),
        new("Gelu.Backward", [("dInput", 10), ("dOutput", 10), ("input!", 10)], a => Gelu.Backward(a.F("dInput"), a.F("dOutput"), a.F("input!"))),
        new("Relu.Forward", [("output", 10), ("input!", 10)], a => Relu.Forward(a.F("output"), a.F("input!"))),
        new("Relu.Backward", [("dInput", 10), ("dOutput", 10), ("input!", 10)], a => Relu.Backward(a.F("dInput"), a.F("dOutput"), a.F("input!"))),
        new("Embedding.Forward", [("output", B * T * C), ("tokenEmbedding", Vocab * C), ("positionEmbedding", Context * C)], [("tokens", B * T)],
            a => Embedding.Forward(a.F("output"), a.I("tokens"), a.F("tokenEmbedding"), a.F("positionEmbedding"), B, T, C)),
        new("Embedding.Backward", [("dTokenEmbedding", Vocab * C), ("dPositionEmbedding", Context * C), ("dOutput", B * T * C)], [("tokens", B * T)],
            a => Embedding.Backward(a.F("dTokenEmbedding"), a.F("dPositionEmbedding"), a.F("dOutput"), a.I("tokens"), B, T, C)),
        new("CrossEntropy.Softmax", [("probs", Rows * Vocab), ("logits", Rows * Vocab)],
            a => CrossEntropy.Softmax(a.F("probs"), a.F("logits"), Rows, Vocab)),
        new("CrossEntropy.Forward", [("losses", Rows), ("probs", Rows * Vocab)], [("targets", Rows)],
            a => CrossEntropy.Forward(a.F("losses"), a.F("probs"), a.I("targets"), Rows, Vocab)),
        new("CrossEntropy.Backward", [("dLogits", Rows * Vocab), ("probs", Rows * Vocab)], [("targets", Rows)],
            a => CrossEntropy.Backward(a.F("dLogits"), a.F("probs"), a.I("targets"), 1f, Rows, Vocab)),
        new("ResidualAdd.Forward", [("output", 10), ("x!", 10), ("branch", 10)], a => ResidualAdd.Forward(a.F("output"), a.F("x!"), a.F("branch"), 1f, 1f)),
        new("ResidualAdd.Backward", [("dX", 10), ("dBranch", 10), ("dOutput!", 10)], a => ResidualAdd.Backward(a.F("dX"), a.F("dBranch"), a.F("dOutput!"), 1f, 1f)),
    ];

    public static TheoryData<string, string, int> WrongLengths()
    {
        var data = new TheoryData<string, string, int>();
        foreach (var c in Cases)
            foreach (var name in c.Floats.Select(f => f.Name).Concat(c.Ints.Select(i => i.Name)).Where(n => !n.EndsWith('!')))
            {
                data.Add(c.Kernel, name, -1);
                data.Add(c.Kernel, name, +1);
            }
        return data;
    }

    [Theory, MemberData(nameof(WrongLengths))]
    public void Wrong_span_length_throws_naming_the_parameter_and_both_lengths_and_writes_nothing(string kernel, string parameter, int delta)
    {
        var c = Cases.Single(k => k.Kernel == kernel);
        var args = new Args(c, parameter, delta);
        var before = args.Snapshot();
        int expected = c.Floats.Concat(c.Ints).Single(p => p.Name == parameter).Length;
        int actual = args.Length(parameter);

        var ex = Assert.Throws<ArgumentException>(() => c.Invoke(args));

        Assert.Equal(parameter, ex.ParamName);
        Assert.Contains($"{parameter} has {actual} ", ex.Message);
        // Tables whose row count is free (embeddings) state the rule instead of one length.
        bool freeRows = parameter.EndsWith("Embedding");
        Assert.Contains(freeRows ? $"multiple of {C}" : $"= {expected}.", ex.Message);
        Assert.Equal(before, args.All.ToArray());
    }

    [Fact]
    public void Every_public_kernel_has_a_wrong_length_case()
    {
        var kernels = typeof(MatMul).Assembly.GetTypes()
            .Where(t => t.Namespace == "Residual.Kernels" && t.IsPublic && t.IsAbstract && t.IsSealed)
            .SelectMany(t => t.GetMethods(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static).Select(m => $"{t.Name}.{m.Name}"))
            .Distinct().OrderBy(n => n);
        Assert.Equal(kernels, Cases.Select(c => c.Kernel).OrderBy(n => n));
    }

    [Fact]
    public void MatMul_accepts_an_empty_bias()
    {
        var y = new float[Rows * Out];
        MatMul.Forward(y, new float[Rows * In], new float[Out * In], ReadOnlySpan<float>.Empty, Rows, In, Out);
        Assert.All(y, v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Message_spells_out_the_expected_length_formula()
    {
        var ex = Assert.Throws<ArgumentException>(() =>
            MatMul.Forward(new float[3 * 3], new float[3 * 32], new float[95], [], 3, 32, 3));
        Assert.Equal("weight", ex.ParamName);
        Assert.StartsWith("weight has 95 floats; expected outFeatures·inFeatures = 3·32 = 96.", ex.Message);
    }

    [Theory]
    [InlineData("rows", 0)]
    [InlineData("rows", -2)]
    [InlineData("inFeatures", 0)]
    [InlineData("outFeatures", -1)]
    public void MatMul_rejects_non_positive_sizes(string name, int value)
    {
        int rows = name == "rows" ? value : 2, inF = name == "inFeatures" ? value : 2, outF = name == "outFeatures" ? value : 2;
        var y = new float[4];
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => MatMul.Forward(y, new float[4], new float[4], [], rows, inF, outF));
        Assert.Equal(name, ex.ParamName);
    }

    [Fact]
    public void Norms_embedding_and_loss_reject_non_positive_sizes()
    {
        Assert.Equal("width", Assert.Throws<ArgumentOutOfRangeException>(() => LayerNormKernel.Forward([], [], [], [], [], [], 1, 0)).ParamName);
        Assert.Equal("rows", Assert.Throws<ArgumentOutOfRangeException>(() => RmsNormKernel.Backward([], [], [], [], [], [], 0, 4)).ParamName);
        Assert.Equal("time", Assert.Throws<ArgumentOutOfRangeException>(() => Embedding.Forward([], [], [1f], [1f], 1, 0, 1)).ParamName);
        Assert.Equal("vocab", Assert.Throws<ArgumentOutOfRangeException>(() => CrossEntropy.Softmax([], [], 1, 0)).ParamName);
        Assert.Equal("input", Assert.Throws<ArgumentOutOfRangeException>(() => Gelu.Forward([], [])).ParamName);
        Assert.Equal("dOutput", Assert.Throws<ArgumentOutOfRangeException>(() => ResidualAdd.Backward([], [], [], 1f, 1f)).ParamName);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void Attention_rejects_non_positive_heads(int heads)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() =>
            CausalAttention.Forward(new float[6], new float[1], new float[18], 1, 1, 6, heads));
        Assert.Equal("heads", ex.ParamName);
    }

    [Fact]
    public void Attention_rejects_heads_that_do_not_divide_the_width_and_writes_nothing()
    {
        var y = TestData.Uniform(B * T * C, 1);
        var before = (float[])y.Clone();
        var ex = Assert.Throws<ArgumentException>(() =>
            CausalAttention.Forward(y, new float[B * 4 * T * T], new float[B * T * 3 * C], B, T, C, 4));
        Assert.Equal("heads", ex.ParamName);
        Assert.Contains("4", ex.Message);
        Assert.Contains("width = 6", ex.Message);
        Assert.Equal(before, y);
    }
}
