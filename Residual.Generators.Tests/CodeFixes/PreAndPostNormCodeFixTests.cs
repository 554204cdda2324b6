using System.Threading.Tasks;
using Residual.CodeFixes.Fixes;
using Xunit;
using Verify = Residual.Generators.Tests.CodeFixes.CodeFixVerifier<Residual.CodeFixes.Fixes.PreAndPostNormCodeFix>;

namespace Residual.Generators.Tests.CodeFixes;

/// <summary>RES0003: "Keep [PreNorm]" and "Keep [PostNorm]", whether the two share a list or not.</summary>
public sealed class PreAndPostNormCodeFixTests
{
    private static string Block(string wiring) => $$"""
        using Residual;

        [Block(Width = 16)]
        public partial class MixBlock
        {
            {{wiring}}
            [Sublayer(typeof(FeedForward))]
            public partial FeedForward Mix { get; }
        }
        """;

    [Theory]
    // The diagnostic sits on the [PostNorm].
    [InlineData("[Residual, PreNorm(Norm.RMSNorm), {|RES0003:PostNorm(Norm.LayerNorm)|}]", "Keep [PreNorm]", "[Residual, PreNorm(Norm.RMSNorm)]")]
    [InlineData("[Residual, PreNorm(Norm.RMSNorm), {|RES0003:PostNorm(Norm.LayerNorm)|}]", "Keep [PostNorm]", "[Residual, PostNorm(Norm.LayerNorm)]")]
    [InlineData("[{|RES0003:PostNorm|}, Residual, PreNorm]", "Keep [PreNorm]", "[Residual, PreNorm]")]
    [InlineData("[Residual] [PreNorm(Norm.LayerNorm)] [{|RES0003:PostNorm(Norm.LayerNorm)|}]", "Keep [PreNorm]", "[Residual] [PreNorm(Norm.LayerNorm)]")]
    [InlineData("[Residual] [PreNorm(Norm.LayerNorm)] [{|RES0003:PostNorm(Norm.LayerNorm)|}]", "Keep [PostNorm]", "[Residual] [PostNorm(Norm.LayerNorm)]")]
    [InlineData("[Residual, {|RES0003:PostNormAttribute(Norm.LayerNorm)|}, global::Residual.PreNorm(Norm.LayerNorm)]", "Keep [PostNorm]", "[Residual, PostNormAttribute(Norm.LayerNorm)]")]
    public Task Keeps_the_chosen_norm_in_the_same_line(string wiring, string title, string kept) =>
        Verify.VerifyAsync(Block(wiring), Block(kept), title,
            title.Contains("Pre") ? PreAndPostNormCodeFix.KeepPreNormKey : PreAndPostNormCodeFix.KeepPostNormKey, "MixBlock");

    [Fact]
    public Task A_norm_on_its_own_line_goes_with_its_line_and_comments_stay() => Verify.VerifyAsync("""
        using Residual;
        using Post = Residual.PostNormAttribute;

        [Block(Width = 16)]
        public partial class MixBlock
        {
            [Residual]
            // the 2017 placement
            [{|RES0003:Post(Norm.LayerNorm)|}]
            [PreNorm(Norm.LayerNorm)]
            [Sublayer(typeof(FeedForward))]
            public partial FeedForward Mix { get; }
        }
        """, """
        using Residual;
        using Post = Residual.PostNormAttribute;

        [Block(Width = 16)]
        public partial class MixBlock
        {
            [Residual]
            // the 2017 placement
            [PreNorm(Norm.LayerNorm)]
            [Sublayer(typeof(FeedForward))]
            public partial FeedForward Mix { get; }
        }
        """, "Keep [PreNorm]", PreAndPostNormCodeFix.KeepPreNormKey, "MixBlock");

    [Fact]
    public Task First_list_removed_passes_its_doc_comment_on() => Verify.VerifyAsync("""
        using Residual;

        [Block(Width = 16)]
        public partial class MixBlock
        {
            /// <summary>Mix.</summary>
            [PreNorm(Norm.LayerNorm)]
            [Residual, {|RES0003:PostNorm(Norm.LayerNorm)|}]
            [Sublayer(typeof(FeedForward))]
            public partial FeedForward Mix { get; }
        }
        """, """
        using Residual;

        [Block(Width = 16)]
        public partial class MixBlock
        {
            /// <summary>Mix.</summary>
            [Residual, PostNorm(Norm.LayerNorm)]
            [Sublayer(typeof(FeedForward))]
            public partial FeedForward Mix { get; }
        }
        """, "Keep [PostNorm]", PreAndPostNormCodeFix.KeepPostNormKey, "MixBlock");
}
