using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace Residual.CodeFixes.Editing;

/// <summary>The declaration a diagnostic's squiggle sits on.</summary>
internal static class Locate
{
    /// <summary>The innermost <typeparamref name="T"/> around <paramref name="span"/>, or null.</summary>
    public static T? Enclosing<T>(SyntaxNode root, TextSpan span) where T : SyntaxNode =>
        root.FullSpan.Contains(span)
            ? root.FindNode(span, getInnermostNodeForTie: true).AncestorsAndSelf().OfType<T>().FirstOrDefault()
            : null;
}
