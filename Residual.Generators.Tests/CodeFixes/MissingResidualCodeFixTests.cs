using System.Threading.Tasks;
using Residual.CodeFixes.Fixes;
using Xunit;
using Verify = Residual.Generators.Tests.CodeFixes.CodeFixVerifier<Residual.CodeFixes.Fixes.MissingResidualCodeFix>;

namespace Residual.Generators.Tests.CodeFixes;

/// <summary>RES0002: "Add [Residual]" and "Mark as [Plain]".</summary>
public sealed class MissingResidualCodeFixTests
{
    private const string Add = "Add [Residual]", Plain = "Mark as [Plain]";

    [Fact]
    public Task Add_residual_joins_the_list_that_holds_the_norm() => Verify.VerifyAsync("""
        using Residual;

        [Block(Width = 16)]
        public partial class MixBlock
        {
            // x = x + FeedForward(LayerNorm(x))
            [PreNorm(Norm.LayerNorm)]
            [Sublayer(typeof(FeedForward))]
            public partial FeedForward {|RES0002:Mix|} { get; }
        }
        """, """
        using Residual;

        [Block(Width = 16)]
        public partial class MixBlock
        {
            // x = x + FeedForward(LayerNorm(x))
            [Residual, PreNorm(Norm.LayerNorm)]
            [Sublayer(typeof(FeedForward))]
            public partial FeedForward Mix { get; }
        }
        """, Add, MissingResidualCodeFix.AddResidualKey, "MixBlock");

    [Fact]
    public Task Add_residual_without_a_norm_gets_its_own_line_below_the_comment() => Verify.VerifyAsync("""
        using Residual;

        [Block(Width = 16)]
        public partial class MixBlock
        {
            /// <summary>The feed-forward sublayer.</summary>
            [Sublayer(typeof(FeedForward), Hidden = 32)] // no norm
            public partial FeedForward {|RES0002:Mix|} { get; }
        }
        """, """
        using Residual;

        [Block(Width = 16)]
        public partial class MixBlock
        {
            /// <summary>The feed-forward sublayer.</summary>
            [Residual]
            [Sublayer(typeof(FeedForward), Hidden = 32)] // no norm
            public partial FeedForward Mix { get; }
        }
        """, Add, MissingResidualCodeFix.AddResidualKey, "MixBlock");

    [Fact]
    public Task Add_residual_on_one_line_stays_on_one_line() => Verify.VerifyAsync("""
        using Residual;

        [Block(Width = 16)]
        public partial class MixBlock
        {
            [Sublayer(typeof(FeedForward))] public partial FeedForward {|RES0002:Mix|} { get; }
        }
        """, """
        using Residual;

        [Block(Width = 16)]
        public partial class MixBlock
        {
            [Residual] [Sublayer(typeof(FeedForward))] public partial FeedForward Mix { get; }
        }
        """, Add, MissingResidualCodeFix.AddResidualKey, "MixBlock");

    [Fact]
    public Task Mark_as_plain_joins_the_norm_list() => Verify.VerifyAsync("""
        using Residual;

        [Block(Width = 16)]
        public partial class MixBlock
        {
            [PostNorm(Norm.RMSNorm)] [Sublayer(typeof(FeedForward))]
            public partial FeedForward {|RES0002:Mix|} { get; }
        }
        """, """
        using Residual;

        [Block(Width = 16)]
        public partial class MixBlock
        {
            [Plain, PostNorm(Norm.RMSNorm)] [Sublayer(typeof(FeedForward))]
            public partial FeedForward Mix { get; }
        }
        """, Plain, MissingResidualCodeFix.MarkPlainKey, "MixBlock");

    [Fact]
    public Task Fully_qualified_attributes_get_a_fully_qualified_residual() => Verify.VerifyAsync("""
        [global::Residual.Block(Width = 16)]
        public partial class MixBlock
        {
            [global::Residual.Sublayer(typeof(global::Residual.FeedForward))]
            public partial global::Residual.FeedForward {|RES0002:Mix|} { get; }
        }
        """, """
        [global::Residual.Block(Width = 16)]
        public partial class MixBlock
        {
            [global::Residual.Residual]
            [global::Residual.Sublayer(typeof(global::Residual.FeedForward))]
            public partial global::Residual.FeedForward Mix { get; }
        }
        """, Add, MissingResidualCodeFix.AddResidualKey, "MixBlock");

    [Fact]
    public Task Attribute_suffix_is_kept() => Verify.VerifyAsync("""
        using Residual;

        [BlockAttribute(Width = 16)]
        public partial class MixBlock
        {
            [SublayerAttribute(typeof(FeedForward))]
            public partial FeedForward {|RES0002:Mix|} { get; }
        }
        """, """
        using Residual;

        [BlockAttribute(Width = 16)]
        public partial class MixBlock
        {
            [PlainAttribute]
            [SublayerAttribute(typeof(FeedForward))]
            public partial FeedForward Mix { get; }
        }
        """, Plain, MissingResidualCodeFix.MarkPlainKey, "MixBlock");

    [Fact]
    public Task Aliased_sublayer_gets_the_simplest_name_that_binds() => Verify.VerifyAsync("""
        using Residual;
        using Layer = Residual.SublayerAttribute;

        [Block(Width = 16)]
        public partial class MixBlock
        {
            [Layer(typeof(FeedForward))]
            public partial FeedForward {|RES0002:Mix|} { get; }
        }
        """, """
        using Residual;
        using Layer = Residual.SublayerAttribute;

        [Block(Width = 16)]
        public partial class MixBlock
        {
            [Residual]
            [Layer(typeof(FeedForward))]
            public partial FeedForward Mix { get; }
        }
        """, Add, MissingResidualCodeFix.AddResidualKey, "MixBlock");

    [Fact]
    public Task Fix_all_adds_residual_to_every_sublayer_in_every_file() => Verify.VerifyAsync(
        [
            """
            using Residual;

            [Block(Width = 16)]
            public partial class GptBlock
            {
                [PreNorm(Norm.LayerNorm)]
                [Sublayer(typeof(Attention), Heads = 2)]
                public partial Attention {|RES0002:Attend|} { get; }

                [PreNorm(Norm.LayerNorm)]
                [Sublayer(typeof(FeedForward))]
                public partial FeedForward {|RES0002:Mix|} { get; }
            }
            """,
            """
            using Residual;

            [Block(Width = 16)]
            public partial class OtherBlock
            {
                [Sublayer(typeof(FeedForward))] public partial FeedForward {|RES0002:Mix|} { get; }
            }
            """,
        ],
        [
            """
            using Residual;

            [Block(Width = 16)]
            public partial class GptBlock
            {
                [Residual, PreNorm(Norm.LayerNorm)]
                [Sublayer(typeof(Attention), Heads = 2)]
                public partial Attention Attend { get; }

                [Residual, PreNorm(Norm.LayerNorm)]
                [Sublayer(typeof(FeedForward))]
                public partial FeedForward Mix { get; }
            }
            """,
            """
            using Residual;

            [Block(Width = 16)]
            public partial class OtherBlock
            {
                [Residual] [Sublayer(typeof(FeedForward))] public partial FeedForward Mix { get; }
            }
            """,
        ], Add, MissingResidualCodeFix.AddResidualKey, "GptBlock", "OtherBlock");
}
