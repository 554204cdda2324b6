using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Editing;

namespace Residual.CodeFixes.Editing;

/// <summary>
/// Node replacements collected over several documents of a solution and applied together. Replacements in one
/// document run in the order they were added, each on the node as the earlier ones left it, so a class can be
/// edited after its members.
/// </summary>
internal sealed class DocumentEdits
{
    private readonly Solution _solution;
    private readonly Dictionary<DocumentId, List<(SyntaxNode Node, Func<SyntaxNode, SyntaxNode> Edit)>> _edits = new();
    private readonly List<DocumentId> _order = new();

    public DocumentEdits(Solution solution) => _solution = solution;

    /// <summary>Replaces <paramref name="node"/> (from the document's current tree) with <paramref name="replacement"/>.</summary>
    public void Replace(DocumentId document, SyntaxNode node, SyntaxNode replacement) => Replace(document, node, _ => replacement);

    /// <summary>Replaces <paramref name="node"/> with what <paramref name="edit"/> makes of it after the earlier edits.</summary>
    public void Replace(DocumentId document, SyntaxNode node, Func<SyntaxNode, SyntaxNode> edit)
    {
        if (!_edits.TryGetValue(document, out var list))
        {
            _edits[document] = list = new();
            _order.Add(document);
        }
        list.Add((node, edit));
    }

    /// <summary>The solution with every edit applied.</summary>
    public async Task<Solution> ApplyAsync(CancellationToken ct)
    {
        var solution = _solution;
        foreach (var id in _order)
        {
            var document = solution.GetDocument(id);
            if (document is null) continue;
            var editor = await DocumentEditor.CreateAsync(document, ct).ConfigureAwait(false);
            foreach (var (node, edit) in _edits[id])
                editor.ReplaceNode(node, (current, _) => edit(current));
            solution = editor.GetChangedDocument().Project.Solution;
        }
        return solution;
    }
}
