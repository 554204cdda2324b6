using System.Threading.Tasks;
using Residual.CodeFixes.Fixes;
using Xunit;
using Verify = Residual.Generators.Tests.CodeFixes.CodeFixVerifier<Residual.CodeFixes.Fixes.MixedPlacementCodeFix>;

namespace Residual.Generators.Tests.CodeFixes;

/// <summary>RES0004: "Use pre-norm on every sublayer" (and its post-norm twin), norm arguments kept.</summary>
public sealed class MixedPlacementCodeFixTests
{
    private static string Block(string first, string second, string third) => $$"""
        using Residual;

        [Block(Width = 16)]
        public partial class MixedBlock
        {
            [Residual, {{first}}]
            [Sublayer(typeof(Attention), Heads = 2)]
            public partial Attention Attend { get; }

            [Residual, {{second}}] // the odd one
            [Sublayer(typeof(FeedForward))]
            public partial FeedForward Mix { get; }

            [{{third}}, Residual]
            [Sublayer(typeof(FeedForward), Hidden = 8)]
            public partial FeedForward Last { get; }
        }
        """;

    [Theory]
    [InlineData("PostNorm(Norm.RMSNorm)", "PreNorm(Norm.RMSNorm)")]
    [InlineData("PostNormAttribute(Norm.RMSNorm)", "PreNormAttribute(Norm.RMSNorm)")]
    [InlineData("global::Residual.PostNorm(global::Residual.Norm.RMSNorm)", "global::Residual.PreNorm(global::Residual.Norm.RMSNorm)")]
    [InlineData("PostNorm", "PreNorm")]
    public Task Use_pre_norm_turns_each_post_norm_into_a_pre_norm_with_the_same_norm(string post, string pre) => Verify.VerifyAsync(
        Block("PreNorm(Norm.LayerNorm)", "{|RES0004:" + post + "|}", "PreNorm"),
        Block("PreNorm(Norm.LayerNorm)", pre, "PreNorm"),
        "Use pre-norm on every sublayer", MixedPlacementCodeFix.UsePreNormKey, "MixedBlock");

    [Fact]
    public Task Use_post_norm_turns_each_pre_norm_into_a_post_norm() => Verify.VerifyAsync(
        Block("{|RES0004:PreNorm(Norm.LayerNorm)|}", "PostNorm(Norm.RMSNorm)", "PostNorm"),
        Block("PostNorm(Norm.LayerNorm)", "PostNorm(Norm.RMSNorm)", "PostNorm"),
        "Use post-norm on every sublayer", MixedPlacementCodeFix.UsePostNormKey, "MixedBlock");

    [Fact]
    public Task Aliased_post_norm_becomes_the_simplest_pre_norm_name() => Verify.VerifyAsync(
        "using After = Residual.PostNormAttribute;\n" + Block("PreNorm(Norm.LayerNorm)", "{|RES0004:After(Norm.LayerNorm)|}", "PreNorm"),
        "using After = Residual.PostNormAttribute;\n" + Block("PreNorm(Norm.LayerNorm)", "PreNorm(Norm.LayerNorm)", "PreNorm"),
        "Use pre-norm on every sublayer", MixedPlacementCodeFix.UsePreNormKey, "MixedBlock");

    [Fact]
    public Task Fix_all_switches_every_minority_sublayer_once() => Verify.VerifyAsync("""
        using Residual;

        [Block(Width = 16)]
        public partial class MixedBlock
        {
            [Residual, {|RES0004:PostNorm(Norm.LayerNorm)|}] [Sublayer(typeof(Attention), Heads = 2)] public partial Attention A { get; }
            [Residual, PreNorm(Norm.LayerNorm)] [Sublayer(typeof(FeedForward))] public partial FeedForward B { get; }
            [Residual, {|RES0004:PostNorm(Norm.LayerNorm)|}] [Sublayer(typeof(FeedForward))] public partial FeedForward C { get; }
            [Residual, PreNorm(Norm.LayerNorm)] [Sublayer(typeof(FeedForward))] public partial FeedForward D { get; }
            [Residual, PreNorm(Norm.LayerNorm)] [Sublayer(typeof(FeedForward))] public partial FeedForward E { get; }
        }
        """, """
        using Residual;

        [Block(Width = 16)]
        public partial class MixedBlock
        {
            [Residual, PreNorm(Norm.LayerNorm)] [Sublayer(typeof(Attention), Heads = 2)] public partial Attention A { get; }
            [Residual, PreNorm(Norm.LayerNorm)] [Sublayer(typeof(FeedForward))] public partial FeedForward B { get; }
            [Residual, PreNorm(Norm.LayerNorm)] [Sublayer(typeof(FeedForward))] public partial FeedForward C { get; }
            [Residual, PreNorm(Norm.LayerNorm)] [Sublayer(typeof(FeedForward))] public partial FeedForward D { get; }
            [Residual, PreNorm(Norm.LayerNorm)] [Sublayer(typeof(FeedForward))] public partial FeedForward E { get; }
        }
        """, "Use pre-norm on every sublayer", MixedPlacementCodeFix.UsePreNormKey, "MixedBlock");
}
