using System;

namespace Residual;

/// <summary>How a parameter tensor is initialised.</summary>
public enum ParameterInit
{
    /// <summary>Normal with the model's standard deviation (GPT-2: 0.02).</summary>
    Normal = 0,

    /// <summary>All zeros (biases).</summary>
    Zeros = 1,

    /// <summary>All ones (norm weights).</summary>
    Ones = 2,

    /// <summary>
    /// A residual branch's output projection: follows <see cref="ModelOptions.OutputInit"/>
    /// (normal, scaled by <c>1/sqrt(2·Layers)</c>, or zero so that the branch starts switched off).
    /// </summary>
    ResidualOutput = 3,

    /// <summary>A learnable scalar residual scale: starts at its declared value.</summary>
    Constant = 4,
}

/// <summary>A parameter tensor a sublayer declares: its name (relative to the sublayer), shape and initialisation.</summary>
/// <param name="Name">Name relative to the sublayer, such as <c>c_fc.weight</c>.</param>
/// <param name="Shape">Row-major shape; the element count is the product.</param>
/// <param name="Init">How it starts.</param>
/// <param name="Value">The starting value for <see cref="ParameterInit.Constant"/>.</param>
public sealed record ParameterShape(string Name, int[] Shape, ParameterInit Init, float Value = 0f)
{
    /// <summary>Row-major shape (a copy of the array given: later changes to that array do not move the layout).</summary>
    public int[] Shape { get; init; } = (int[])Shape.Clone();

    /// <summary>Number of floats in the tensor.</summary>
    public int Count => TensorInfo.Product(Shape);

    /// <summary>Value equality, the shape compared element by element.</summary>
    public bool Equals(ParameterShape? other) =>
        other is not null && Name == other.Name && Init == other.Init && Value.Equals(other.Value) && Shape.AsSpan().SequenceEqual(other.Shape);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Name, Init, Value, Shape.Length);
}

/// <summary>A named tensor inside a <see cref="ParameterArena"/>.</summary>
/// <param name="Name">GPT-2 style name, such as <c>h.0.attn.c_attn.weight</c>.</param>
/// <param name="Offset">Offset of the first float in the arena.</param>
/// <param name="Shape">Row-major shape.</param>
/// <param name="Init">How it starts.</param>
/// <param name="Value">The starting value for <see cref="ParameterInit.Constant"/>.</param>
public sealed record TensorInfo(string Name, int Offset, int[] Shape, ParameterInit Init, float Value = 0f)
{
    /// <summary>Row-major shape (a copy of the array given: later changes to that array do not move the layout).</summary>
    public int[] Shape { get; init; } = (int[])Shape.Clone();

    /// <summary>Value equality, the shape compared element by element.</summary>
    public bool Equals(TensorInfo? other) =>
        other is not null && Name == other.Name && Offset == other.Offset && Init == other.Init && Value.Equals(other.Value)
        && Shape.AsSpan().SequenceEqual(other.Shape);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Name, Offset, Init, Value, Shape.Length);

    /// <summary>Number of floats in the tensor.</summary>
    public int Count => Product(Shape);

    /// <summary>The shape written as <c>[a, b]</c>.</summary>
    public string ShapeText => "[" + string.Join(", ", Shape) + "]";

    /// <summary>Returns a copy moved by <paramref name="offset"/> floats with <paramref name="prefix"/> before its name.</summary>
    public TensorInfo Relocate(string prefix, int offset) => this with { Name = prefix + Name, Offset = Offset + offset };

    internal static int Product(int[] shape)
    {
        long n = 1;
        foreach (int d in shape)
        {
            if (d < 0) throw new ArgumentOutOfRangeException(nameof(shape), $"Shape dimensions must be non-negative, got {d}.");
            n *= d;
        }
        if (n > int.MaxValue) throw new ArgumentOutOfRangeException(nameof(shape), $"Tensor of {n} floats exceeds the arena limit of {int.MaxValue}.");
        return (int)n;
    }
}
