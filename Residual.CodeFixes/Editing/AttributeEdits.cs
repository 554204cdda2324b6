using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Simplification;

namespace Residual.CodeFixes.Editing;

/// <summary>
/// Adds, removes and replaces attributes on a declaration while keeping the user's layout: comments and
/// indentation stay where they were, one list per line stays one list per line, and an inline
/// <c>[A] [B] public ...</c> stays inline.
/// </summary>
internal static class AttributeEdits
{
    /// <summary>
    /// A name for the attribute class <paramref name="newMetadataName"/> written the way <paramref name="written"/>
    /// (an attribute of class <paramref name="writtenMetadataName"/>) is: <c>Sublayer</c> gives <c>Residual</c>,
    /// <c>SublayerAttribute</c> gives <c>ResidualAttribute</c>, <c>global::Residual.Sublayer</c> gives
    /// <c>global::Residual.Residual</c>. An alias has no such counterpart: the qualified name is used and simplified
    /// (to <c>Residual</c> under <c>using Residual;</c>) when the fix is applied.
    /// </summary>
    public static NameSyntax NameLike(NameSyntax? written, string writtenMetadataName, string newMetadataName)
    {
        if (written is not null)
        {
            var last = written switch
            {
                QualifiedNameSyntax q => q.Right,
                AliasQualifiedNameSyntax a => a.Name,
                SimpleNameSyntax s => s,
                _ => null,
            };
            string writtenShort = WiringAttributes.ShortName(writtenMetadataName), newShort = WiringAttributes.ShortName(newMetadataName);
            string? text = last?.Identifier.ValueText == writtenShort ? newShort
                : last?.Identifier.ValueText == writtenShort + "Attribute" ? newShort + "Attribute"
                : null;
            if (last is IdentifierNameSyntax && text is not null)
                return written.ReplaceNode(last, SyntaxFactory.IdentifierName(text).WithTriviaFrom(last));
        }
        return QualifiedName(newMetadataName);
    }

    /// <summary><c>global::Namespace.Type</c>, marked for the simplifier.</summary>
    public static NameSyntax QualifiedName(string metadataName) =>
        SyntaxFactory.ParseName("global::" + metadataName).WithAdditionalAnnotations(Simplifier.Annotation);

    /// <summary>
    /// Adds <paramref name="attribute"/> to <paramref name="member"/>: first in the first attribute list that
    /// <paramref name="joinList"/> accepts (<c>[PreNorm]</c> becomes <c>[Residual, PreNorm]</c>), else as a list of its
    /// own before the first list, on its own line when the lists are one per line.
    /// </summary>
    public static TMember Add<TMember>(TMember member, AttributeSyntax attribute, System.Func<AttributeListSyntax, bool> joinList)
        where TMember : MemberDeclarationSyntax
    {
        attribute = WithoutElasticTrivia(attribute);
        var lists = member.AttributeLists;
        var join = lists.FirstOrDefault(joinList);
        if (join is not null)
        {
            var items = new List<SyntaxNodeOrToken> { attribute, Token(SyntaxKind.CommaToken).WithTrailingTrivia(SyntaxFactory.Space) };
            items.AddRange(join.Attributes.GetWithSeparators());
            return member.ReplaceNode(join, join.WithAttributes(SyntaxFactory.SeparatedList<AttributeSyntax>(items)));
        }

        var list = SyntaxFactory.AttributeList(Token(SyntaxKind.OpenBracketToken), null, SyntaxFactory.SingletonSeparatedList(attribute), Token(SyntaxKind.CloseBracketToken));
        if (lists.Count == 0)
        {
            // Before the modifiers, on the same line (sublayers always have a list; this keeps other members valid).
            var first = member.GetFirstToken();
            var added = member.ReplaceToken(first, first.WithLeadingTrivia(SyntaxFactory.Space));
            return (TMember)added.WithAttributeLists(SyntaxFactory.SingletonList(list.WithLeadingTrivia(first.LeadingTrivia)));
        }
        var firstList = lists[0];
        var lineEnd = firstList.GetTrailingTrivia().LastOrDefault(t => t.IsKind(SyntaxKind.EndOfLineTrivia));
        bool ownLine = lineEnd.IsKind(SyntaxKind.EndOfLineTrivia);
        // The new list takes the first list's comments and indentation (a comment after the first list stays there);
        // the first list keeps only the indentation.
        var newList = list.WithLeadingTrivia(firstList.GetLeadingTrivia()).WithTrailingTrivia(ownLine ? lineEnd : SyntaxFactory.Space);
        var shifted = firstList.WithLeadingTrivia(ownLine ? Indentation(firstList.GetLeadingTrivia()) : default);
        return (TMember)member.WithAttributeLists(lists.Replace(firstList, shifted).Insert(0, newList));
    }

    /// <summary>
    /// <paramref name="node"/> without the elastic trivia that syntax factory methods put on tokens: elastic trivia
    /// invites the formatter that runs after a code action to re-lay-out the user's lines.
    /// </summary>
    public static T WithoutElasticTrivia<T>(T node) where T : SyntaxNode =>
        node.ReplaceTokens(node.DescendantTokens(), (_, t) => t
            .WithLeadingTrivia(t.LeadingTrivia.Where(x => !x.HasAnnotation(SyntaxAnnotation.ElasticAnnotation)))
            .WithTrailingTrivia(t.TrailingTrivia.Where(x => !x.HasAnnotation(SyntaxAnnotation.ElasticAnnotation))));

    /// <summary>A token with no trivia (not even elastic).</summary>
    public static SyntaxToken Token(SyntaxKind kind) => SyntaxFactory.Token(default, kind, default);

    /// <summary>
    /// Removes <paramref name="attribute"/> (a node of <paramref name="member"/>) from its list, and the list with it
    /// when it was the only one; comments above a removed list move to what follows it.
    /// </summary>
    public static TMember Remove<TMember>(TMember member, AttributeSyntax attribute)
        where TMember : MemberDeclarationSyntax
    {
        var list = (AttributeListSyntax)attribute.Parent!;
        if (list.Attributes.Count > 1)
            return member.ReplaceNode(list, list.WithAttributes(list.Attributes.Remove(attribute)));

        int index = member.AttributeLists.IndexOf(list);
        var next = list.GetLastToken().GetNextToken();
        var previous = list.GetFirstToken().GetPreviousToken();
        var leading = list.GetLeadingTrivia();
        bool endsLine = list.GetTrailingTrivia().Any(t => t.IsKind(SyntaxKind.EndOfLineTrivia));
        bool startsLine = previous.IsKind(SyntaxKind.None)
            || previous.TrailingTrivia.Any(t => t.IsKind(SyntaxKind.EndOfLineTrivia))
            || leading.Any(t => t.IsKind(SyntaxKind.EndOfLineTrivia));
        SyntaxTriviaList nextLeading;
        if (startsLine)
        {
            // Its indentation and any comment above it go to what follows (which keeps comments of its own).
            nextLeading = next.LeadingTrivia.Any(t => !IsWhitespace(t))
                ? WithoutTrailingWhitespace(leading).AddRange(next.LeadingTrivia)
                : leading;
        }
        else
        {
            // After another list on its line: that list now ends the line (or the line goes on) without a gap.
            nextLeading = next.LeadingTrivia;
            if (endsLine && member.FullSpan.Contains(previous.FullSpan))
            {
                var previousTrailing = WithoutTrailingWhitespace(previous.TrailingTrivia).Add(list.GetTrailingTrivia().Last(t => t.IsKind(SyntaxKind.EndOfLineTrivia)));
                member = member.ReplaceToken(previous, previous.WithTrailingTrivia(previousTrailing));
                next = member.AttributeLists[index].GetLastToken().GetNextToken();
            }
        }
        var moved = member.ReplaceToken(next, next.WithLeadingTrivia(nextLeading));
        return (TMember)moved.WithAttributeLists(moved.AttributeLists.RemoveAt(index));
    }

    /// <summary>Removes every attribute of <paramref name="member"/> that <paramref name="remove"/> selects, one at a time.</summary>
    public static TMember RemoveAll<TMember>(TMember member, IEnumerable<AttributeSyntax> remove)
        where TMember : MemberDeclarationSyntax
    {
        var marker = new SyntaxAnnotation();
        var marked = member.ReplaceNodes(remove, (_, rewritten) => rewritten.WithAdditionalAnnotations(marker));
        while (marked.GetAnnotatedNodes(marker).OfType<AttributeSyntax>().FirstOrDefault() is { } next)
            marked = Remove(marked, next);
        return marked;
    }

    /// <summary>Puts <paramref name="replacement"/> where <paramref name="attribute"/> was, with its trivia.</summary>
    public static TMember Replace<TMember>(TMember member, AttributeSyntax attribute, AttributeSyntax replacement)
        where TMember : MemberDeclarationSyntax =>
        member.ReplaceNode(attribute, WithoutElasticTrivia(replacement).WithTriviaFrom(attribute));

    /// <summary>The whitespace after the last line break: the indentation of the line the trivia ends on.</summary>
    private static SyntaxTriviaList Indentation(SyntaxTriviaList trivia)
    {
        var result = new List<SyntaxTrivia>();
        for (int i = trivia.Count - 1; i >= 0 && trivia[i].IsKind(SyntaxKind.WhitespaceTrivia); i--) result.Insert(0, trivia[i]);
        return SyntaxFactory.TriviaList(result);
    }

    private static SyntaxTriviaList WithoutTrailingWhitespace(SyntaxTriviaList trivia)
    {
        int end = trivia.Count;
        while (end > 0 && trivia[end - 1].IsKind(SyntaxKind.WhitespaceTrivia)) end--;
        return SyntaxFactory.TriviaList(trivia.Take(end));
    }

    private static bool IsWhitespace(SyntaxTrivia t) => t.IsKind(SyntaxKind.WhitespaceTrivia) || t.IsKind(SyntaxKind.EndOfLineTrivia);
}
