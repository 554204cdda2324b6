using System.Threading.Tasks;
using Residual.CodeFixes.Fixes;
using Xunit;
using Verify = Residual.Generators.Tests.CodeFixes.CodeFixVerifier<Residual.CodeFixes.Fixes.ResidualAndPlainCodeFix>;

namespace Residual.Generators.Tests.CodeFixes;

/// <summary>RES0014: "Keep [Residual]" and "Keep [Plain]" on a sublayer that has both.</summary>
public sealed class ResidualAndPlainCodeFixTests
{
    [Theory]
    [InlineData("Keep [Residual]", ResidualAndPlainCodeFix.KeepResidualKey, "[Residual(Scale = 0.5), PreNorm(Norm.LayerNorm)]\n    [Sublayer(typeof(FeedForward))]")]
    [InlineData("Keep [Plain]", ResidualAndPlainCodeFix.KeepPlainKey, "[PreNorm(Norm.LayerNorm), Plain]\n    [Sublayer(typeof(FeedForward))]")]
    public Task Keeps_the_chosen_one_in_its_list(string title, string key, string kept) => Verify.VerifyAsync("""
        using Residual;

        [Block(Width = 16)]
        public partial class MixBlock
        {
            [Residual(Scale = 0.5), PreNorm(Norm.LayerNorm), {|RES0014:Plain|}]
            [Sublayer(typeof(FeedForward))]
            public partial FeedForward Mix { get; }
        }
        """, $$"""
        using Residual;

        [Block(Width = 16)]
        public partial class MixBlock
        {
            {{kept}}
            public partial FeedForward Mix { get; }
        }
        """, title, key, "MixBlock");

    [Fact]
    public Task Separate_lists_go_with_their_line() => Verify.VerifyAsync("""
        using Residual;

        [Block(Width = 16)]
        public partial class MixBlock
        {
            [global::Residual.ResidualAttribute]
            [{|RES0014:Plain|}]
            [Sublayer(typeof(FeedForward))] // the mixer
            public partial FeedForward Mix { get; }
        }
        """, """
        using Residual;

        [Block(Width = 16)]
        public partial class MixBlock
        {
            [{|RES0014:Plain|}]
            [Sublayer(typeof(FeedForward))] // the mixer
            public partial FeedForward Mix { get; }
        }
        """.Replace("[{|RES0014:Plain|}]", "[Plain]"), "Keep [Plain]", ResidualAndPlainCodeFix.KeepPlainKey, "MixBlock");
}
