using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;

namespace Residual.Generators.Specs;

/// <summary>An immutable array compared by its elements, so pipeline models stay value-equatable (and cacheable).</summary>
internal readonly struct EquatableArray<T> : IEquatable<EquatableArray<T>>, IEnumerable<T>
    where T : IEquatable<T>
{
    private readonly T[]? _items;

    public EquatableArray(IEnumerable<T> items) => _items = items.ToArray();

    public static EquatableArray<T> Empty => new(Array.Empty<T>());

    public int Count => _items?.Length ?? 0;

    public T this[int index] => _items![index];

    // The same array is equal without a walk: a cached value compared with itself is the common case in the pipeline.
    public bool Equals(EquatableArray<T> other) =>
        ReferenceEquals(_items, other._items) || (_items ?? Array.Empty<T>()).AsSpan().SequenceEqual((other._items ?? Array.Empty<T>()).AsSpan());

    public override bool Equals(object? obj) => obj is EquatableArray<T> other && Equals(other);

    public override int GetHashCode()
    {
        int hash = 17;
        foreach (var item in _items ?? Array.Empty<T>()) hash = unchecked(hash * 31 + (item?.GetHashCode() ?? 0));
        return hash;
    }

    public IEnumerator<T> GetEnumerator() => ((IEnumerable<T>)(_items ?? Array.Empty<T>())).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
