using System.Threading.Tasks;
using Residual.CodeFixes.Fixes;
using Xunit;
using Verify = Residual.Generators.Tests.CodeFixes.CodeFixVerifier<Residual.CodeFixes.Fixes.ResidualAroundBlockCodeFix>;

namespace Residual.Generators.Tests.CodeFixes;

/// <summary>RES0001: "Move [Residual] onto each sublayer", with its arguments, replacing [Plain].</summary>
public sealed class ResidualAroundBlockCodeFixTests
{
    private const string Title = ResidualAroundBlockCodeFix.Title, Key = ResidualAroundBlockCodeFix.MoveKey;

    [Fact]
    public Task Moves_the_residual_with_its_arguments_and_replaces_plain() => Verify.VerifyAsync("""
        using Residual;

        // GPT-style block
        [Block(Width = 16), {|RES0001:Residual(Alpha = 1.5, Scale = 0.5)|}]
        public partial class GptBlock
        {
            [Plain, PreNorm(Norm.LayerNorm)]
            [Sublayer(typeof(Attention), Heads = 2)]
            public partial Attention Attend { get; }

            [PreNorm(Norm.LayerNorm)] // mixing
            [Sublayer(typeof(FeedForward))]
            public partial FeedForward {|RES0002:Mix|} { get; }

            [Sublayer(typeof(FeedForward), Hidden = 8)]
            public partial FeedForward {|RES0002:Last|} { get; }
        }
        """, """
        using Residual;

        // GPT-style block
        [Block(Width = 16)]
        public partial class GptBlock
        {
            [Residual(Alpha = 1.5, Scale = 0.5), PreNorm(Norm.LayerNorm)]
            [Sublayer(typeof(Attention), Heads = 2)]
            public partial Attention Attend { get; }

            [Residual(Alpha = 1.5, Scale = 0.5), PreNorm(Norm.LayerNorm)] // mixing
            [Sublayer(typeof(FeedForward))]
            public partial FeedForward Mix { get; }

            [Residual(Alpha = 1.5, Scale = 0.5)]
            [Sublayer(typeof(FeedForward), Hidden = 8)]
            public partial FeedForward Last { get; }
        }
        """, Title, Key, "GptBlock");

    [Fact]
    public Task A_list_of_its_own_is_removed_and_a_sublayer_with_its_own_residual_keeps_it() => Verify.VerifyAsync("""
        using Residual;

        /// <summary>A block.</summary>
        [{|RES0001:ResidualAttribute|}]
        [Block(Width = 16)]
        public partial class GptBlock
        {
            [Residual(Scale = 0.25), PreNorm(Norm.LayerNorm)]
            [Sublayer(typeof(Attention), Heads = 2)]
            public partial Attention Attend { get; }

            [Plain] [Sublayer(typeof(FeedForward))] public partial FeedForward Mix { get; }
        }
        """, """
        using Residual;

        /// <summary>A block.</summary>
        [Block(Width = 16)]
        public partial class GptBlock
        {
            [Residual(Scale = 0.25), PreNorm(Norm.LayerNorm)]
            [Sublayer(typeof(Attention), Heads = 2)]
            public partial Attention Attend { get; }

            [ResidualAttribute] [Sublayer(typeof(FeedForward))] public partial FeedForward Mix { get; }
        }
        """, Title, Key, "GptBlock");

    [Fact]
    public Task Fully_qualified_residual_stays_fully_qualified() => Verify.VerifyAsync("""
        [global::Residual.Block(Width = 16)]
        [{|RES0001:global::Residual.Residual(Learnable = true)|}]
        public partial class GptBlock
        {
            [global::Residual.Plain]
            [global::Residual.Sublayer(typeof(global::Residual.FeedForward))]
            public partial global::Residual.FeedForward Mix { get; }
        }
        """, """
        [global::Residual.Block(Width = 16)]
        public partial class GptBlock
        {
            [global::Residual.Residual(Learnable = true)]
            [global::Residual.Sublayer(typeof(global::Residual.FeedForward))]
            public partial global::Residual.FeedForward Mix { get; }
        }
        """, Title, Key, "GptBlock");

    [Fact]
    public Task Sublayers_in_another_partial_file_get_it_in_that_files_style() => Verify.VerifyAsync(
        [
            """
            using Residual;
            using Skip = Residual.ResidualAttribute;

            [Block(Width = 16), {|RES0001:Skip(Alpha = 2)|}]
            public partial class GptBlock
            {
                [Plain, PreNorm(Norm.LayerNorm)]
                [Sublayer(typeof(Attention), Heads = 2)]
                public partial Attention Attend { get; }
            }
            """,
            """
            public partial class GptBlock
            {
                [global::Residual.PreNorm(global::Residual.Norm.LayerNorm)]
                [global::Residual.Sublayer(typeof(global::Residual.FeedForward))]
                public partial global::Residual.FeedForward {|RES0002:Mix|} { get; }
            }
            """,
        ],
        [
            """
            using Residual;
            using Skip = Residual.ResidualAttribute;

            [Block(Width = 16)]
            public partial class GptBlock
            {
                [Skip(Alpha = 2), PreNorm(Norm.LayerNorm)]
                [Sublayer(typeof(Attention), Heads = 2)]
                public partial Attention Attend { get; }
            }
            """,
            """
            public partial class GptBlock
            {
                [global::Residual.Residual(Alpha = 2), global::Residual.PreNorm(global::Residual.Norm.LayerNorm)]
                [global::Residual.Sublayer(typeof(global::Residual.FeedForward))]
                public partial global::Residual.FeedForward Mix { get; }
            }
            """,
        ], Title, Key, "GptBlock");

    [Fact]
    public Task Fix_all_moves_every_blocks_residual() => Verify.VerifyAsync("""
        using Residual;

        [Block(Width = 16), {|RES0001:Residual|}]
        public partial class First
        {
            [Sublayer(typeof(FeedForward))] public partial FeedForward {|RES0002:Mix|} { get; }
        }

        [{|RES0001:Residual(Scale = 0.5)|}, Block(Width = 16)]
        public partial class Second
        {
            [Plain] [Sublayer(typeof(FeedForward))] public partial FeedForward Mix { get; }
        }
        """, """
        using Residual;

        [Block(Width = 16)]
        public partial class First
        {
            [Residual] [Sublayer(typeof(FeedForward))] public partial FeedForward Mix { get; }
        }

        [Block(Width = 16)]
        public partial class Second
        {
            [Residual(Scale = 0.5)] [Sublayer(typeof(FeedForward))] public partial FeedForward Mix { get; }
        }
        """, Title, Key, "First", "Second");

    [Fact]
    public Task Residual_on_a_model_moves_onto_the_sublayers_of_its_block() => Verify.VerifyAsync(
        [
            """
            using Residual;

            [Model(Vocab = 8, Context = 4, Layers = 1)]
            [{|RES0015:Residual|}]
            public partial class {|RES0009:TinyLm|} : Transformer<GptBlock>;
            """,
            """
            using Residual;

            [Block(Width = 16)]
            public partial class GptBlock
            {
                [PreNorm(Norm.LayerNorm)]
                [Sublayer(typeof(Attention), Heads = 2)]
                public partial Attention {|RES0002:Attend|} { get; }
            }
            """,
        ],
        [
            """
            using Residual;

            [Model(Vocab = 8, Context = 4, Layers = 1)]
            public partial class TinyLm : Transformer<GptBlock>;
            """,
            """
            using Residual;

            [Block(Width = 16)]
            public partial class GptBlock
            {
                [Residual, PreNorm(Norm.LayerNorm)]
                [Sublayer(typeof(Attention), Heads = 2)]
                public partial Attention Attend { get; }
            }
            """,
        ], Title, Key, "TinyLm", "GptBlock");

    [Fact]
    public Task Residual_on_a_block_typed_sublayer_moves_into_that_block() => Verify.VerifyTextAsync(
        [
            """
            using Residual;

            [Block(Width = 16)]
            public partial class Inner
            {
                [Plain, PreNorm(Norm.LayerNorm)]
                [Sublayer(typeof(Attention), Heads = 2)]
                public partial Attention Attend { get; }
            }

            [Block(Width = 16)]
            public partial class Outer
            {
                [{|RES0001:Residual(Scale = 0.5)|}]
                [Sublayer({|RES0007:typeof(Inner)|})]
                public partial Inner Nested { get; }
            }
            """,
        ],
        [
            // The nested block stays an error (RES0007): blocks do not nest. The residual is where it belongs.
            """
            using Residual;

            [Block(Width = 16)]
            public partial class Inner
            {
                [Residual(Scale = 0.5), PreNorm(Norm.LayerNorm)]
                [Sublayer(typeof(Attention), Heads = 2)]
                public partial Attention Attend { get; }
            }

            [Block(Width = 16)]
            public partial class Outer
            {
                [Sublayer({|RES0007:typeof(Inner)|})]
                public partial Inner {|RES0002:Nested|} { get; }
            }
            """,
        ], Title, Key);
}
