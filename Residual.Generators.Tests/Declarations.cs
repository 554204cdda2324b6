namespace Residual.Generators.Tests;

/// <summary>
/// Representative user declarations, shared by the snapshot tests (one compilation each) and the
/// compile-and-run tests (all of them in one compilation, so type names are distinct).
/// </summary>
internal static class Declarations
{
    /// <summary>(a) GPT-2: pre-norm LayerNorm around attention and a GELU feed-forward, two layers, final LayerNorm. In a namespace.</summary>
    public const string Gpt = """
        using Residual;

        namespace Demo;

        [Block(Width = 32)]
        public partial class GptBlock
        {
            // x = x + Attention(LayerNorm(x))
            [Residual, PreNorm(Norm.LayerNorm)]
            [Sublayer(typeof(Attention), Heads = 4)]
            public partial Attention Attend { get; }

            // x = x + FeedForward(LayerNorm(x))
            [Residual, PreNorm(Norm.LayerNorm)]
            [Sublayer(typeof(FeedForward), Hidden = 128)]
            public partial FeedForward Mix { get; }
        }

        [Model(Vocab = 17, Context = 8, Layers = 2, FinalNorm = Norm.LayerNorm)]
        public partial class TinyGpt : Transformer<GptBlock>;
        """;

    /// <summary>(b) The 2017 Transformer's "Add &amp; Norm" with RMSNorm, a ReLU feed-forward, and a model without a final norm.</summary>
    public const string PostNorm = """
        using Residual;

        [Block(Width = 32)]
        public partial class PostNormBlock
        {
            [Residual, PostNorm(Norm.RMSNorm)]
            [Sublayer(typeof(Attention), Heads = 2)]
            public partial Attention Attend { get; }

            [Residual, PostNorm(Norm.RMSNorm)]
            [Sublayer(typeof(FeedForward), Hidden = 64, Activation = Activation.Relu)]
            public partial FeedForward Mix { get; }
        }

        [Model(Vocab = 11, Context = 8, Layers = 2, FinalNorm = Norm.None)]
        public partial class PostNormLm : Transformer<PostNormBlock>;
        """;

    /// <summary>
    /// (c) Residual options: fixed branch and identity scales (DeepNorm-like), a learnable scale that starts at
    /// zero (ReZero), a learnable scale under a post-norm, a scaled residual without norm; and a block of
    /// deliberately plain sublayers (pre-, post- and no norm) next to one ordinary residual.
    /// </summary>
    public const string ResidualOptions = """
        using Residual;
        #pragma warning disable RES0004 // pre- and post-norm mixed on purpose: the tests cover every wiring

        [Block(Width = 16)]
        public partial class ScaledBlock
        {
            [Residual(Scale = 0.5, Alpha = 1.5), PreNorm(Norm.LayerNorm)]
            [Sublayer(typeof(Attention), Heads = 2)]
            public partial Attention Attend { get; }

            [Residual(Scale = 0, Learnable = true), PreNorm(Norm.RMSNorm)]
            [Sublayer(typeof(FeedForward), Hidden = 32)]
            public partial FeedForward Mix { get; }

            [Residual(Scale = 0.25, Learnable = true, Alpha = 0.875), PostNorm(Norm.LayerNorm)]
            [Sublayer(typeof(FeedForward), Hidden = 24, Activation = Activation.Relu)]
            public partial FeedForward Refine { get; }

            [Residual(Scale = 2)]
            [Sublayer(typeof(FeedForward), Hidden = 16)]
            public partial FeedForward Shortcut { get; }
        }

        [Block(Width = 16)]
        public partial class PlainBlock
        {
            [Plain, PreNorm(Norm.LayerNorm)]
            [Sublayer(typeof(FeedForward), Hidden = 32)]
            public partial FeedForward Expand { get; }

            [Plain, PostNorm(Norm.RMSNorm)]
            [Sublayer(typeof(Attention), Heads = 4)]
            public partial Attention Attend { get; }

            [Plain]
            [Sublayer(typeof(FeedForward), Hidden = 16)]
            public partial FeedForward Squeeze { get; }

            [Residual, PreNorm(Norm.LayerNorm)]
            [Sublayer(typeof(FeedForward))]
            public partial FeedForward Mix { get; }
        }
        """;

    /// <summary>Hidden size of <c>WrappedMlp</c> in <see cref="Custom"/>.</summary>
    public const int WrappedMlpHidden = 24;

    /// <summary>
    /// (d) A user sublayer. It runs a GELU feed-forward through the <c>Sublayer</c> contract (by delegating to the
    /// built-in's contract methods), so its numbers can be checked against the reference interpreter reading it
    /// as a plain FeedForward with the same prefix: what is under test is the generated wiring around it.
    /// </summary>
    public const string Custom = """
        using System;
        using Residual;

        public sealed class WrappedMlp : Sublayer
        {
            private static readonly FeedForward s_inner = new(hidden: 24);

            public override System.Collections.Generic.IReadOnlyList<ParameterShape> DescribeParameters(int width) => s_inner.DescribeParameters(width);

            public override long ActivationFloats(int width, int batch, int time) => s_inner.ActivationFloats(width, batch, time);

            public override void Forward(in SublayerContext context, ReadOnlySpan<float> input, Span<float> output) =>
                s_inner.Forward(context, input, output);

            public override void Backward(in SublayerContext context, ReadOnlySpan<float> input, ReadOnlySpan<float> dOutput, Span<float> dInput) =>
                s_inner.Backward(context, input, dOutput, dInput);
        }

        [Block(Width = 16)]
        public partial class CustomBlock
        {
            [Residual, PreNorm(Norm.LayerNorm)]
            [Sublayer(typeof(Attention), Heads = 2)]
            public partial Attention Attend { get; }

            [Residual, PreNorm(Norm.RMSNorm)]
            [Sublayer(typeof(WrappedMlp))]
            public partial WrappedMlp GatedMlp { get; }
        }

        [Model(Vocab = 9, Context = 6, Layers = 2, FinalNorm = Norm.RMSNorm)]
        public partial class CustomLm : Transformer<CustomBlock>;
        """;

    /// <summary>
    /// (e) Width 20: every SIMD helper (both norms, plain and scaled adds, residual backward, the learnable
    /// scale's dot product) gets a 16-float vector part and a 4-float scalar tail.
    /// </summary>
    public const string OddWidth = """
        using Residual;
        #pragma warning disable RES0004 // pre- and post-norm mixed on purpose: the tests cover every wiring

        [Block(Width = 20)]
        public partial class OddBlock
        {
            [Residual, PreNorm(Norm.LayerNorm)]
            [Sublayer(typeof(Attention), Heads = 2)]
            public partial Attention Attend { get; }

            [Residual(Scale = 0.5, Learnable = true), PostNorm(Norm.RMSNorm)]
            [Sublayer(typeof(FeedForward), Hidden = 40)]
            public partial FeedForward Mix { get; }
        }

        [Model(Vocab = 7, Context = 6, Layers = 2, FinalNorm = Norm.RMSNorm)]
        public partial class OddLm : Transformer<OddBlock>;
        """;

    /// <summary>
    /// Widths that steer the generated helpers onto their other code paths on any x64 machine: 12 floats are
    /// too few for a Vector512, so the Vector256 branch (8 + a 4-float tail) runs even with AVX-512; 4 floats
    /// are too few for any vector, so only the scalar loop is emitted. Same topology as <see cref="OddWidth"/>.
    /// </summary>
    public const string NarrowWidths = """
        using Residual;
        #pragma warning disable RES0004 // pre- and post-norm mixed on purpose: the tests cover every wiring

        [Block(Width = 12)]
        public partial class Width12Block
        {
            [Residual, PreNorm(Norm.LayerNorm)]
            [Sublayer(typeof(Attention), Heads = 3)]
            public partial Attention Attend { get; }

            [Residual(Scale = 0.5, Learnable = true), PostNorm(Norm.RMSNorm)]
            [Sublayer(typeof(FeedForward), Hidden = 20)]
            public partial FeedForward Mix { get; }
        }

        [Block(Width = 4)]
        public partial class Width4Block
        {
            [Residual, PreNorm(Norm.LayerNorm)]
            [Sublayer(typeof(Attention), Heads = 2)]
            public partial Attention Attend { get; }

            [Residual(Scale = 0.5, Learnable = true), PostNorm(Norm.RMSNorm)]
            [Sublayer(typeof(FeedForward), Hidden = 8)]
            public partial FeedForward Mix { get; }
        }
        """;

    /// <summary>Every declaration above, one syntax tree each.</summary>
    public static readonly string[] All = { Gpt, PostNorm, ResidualOptions, Custom, OddWidth, NarrowWidths };
}
