using System.Linq;
using Residual.Kernels;
using Xunit;
using static Residual.Runtime.Tests.Kernels.TestData;

namespace Residual.Runtime.Tests.Kernels;

public class ResidualAddTests
{
    // Two products and a sum per element: within an ulp or two of the double result.
    private const double Rtol = 1e-6;

    public static TheoryData<int, float, float> Cases => new()
    {
        { 1, 1f, 1f }, { 3, 1f, 0f }, { 7, 0.5f, 2f }, { 17, 1f, 1f }, { 33, 1.7f, -0.3f }, { 64, 1f, 1f }, { 1001, 2f, 0.125f },
    };

    [Theory, MemberData(nameof(Cases))]
    public void ResidualAdd_forward_matches_scalar_reference(int n, float alpha, float scale)
    {
        var x = Uniform(n, 1);
        var branch = Uniform(n, 2);
        var y = Uniform(n, 3);
        ResidualAdd.Forward(y, x, branch, alpha, scale);
        Close(x.Select((v, i) => (double)alpha * v + (double)scale * branch[i]).ToArray(), y, Rtol, "output");
    }

    [Theory, MemberData(nameof(Cases))]
    public void ResidualAdd_forward_may_write_over_either_input(int n, float alpha, float scale)
    {
        var x = Uniform(n, 1);
        var branch = Uniform(n, 2);
        var expected = new float[n];
        ResidualAdd.Forward(expected, x, branch, alpha, scale);

        var overX = (float[])x.Clone();
        ResidualAdd.Forward(overX, overX, branch, alpha, scale);
        Assert.Equal(expected, overX);

        var overBranch = (float[])branch.Clone();
        ResidualAdd.Forward(overBranch, x, overBranch, alpha, scale);
        Assert.Equal(expected, overBranch);
    }

    [Theory, MemberData(nameof(Cases))]
    public void ResidualAdd_backward_accumulates_scalar_reference(int n, float alpha, float scale)
    {
        var dy = Uniform(n, 1);
        var dx = Uniform(n, 2);
        var db = Uniform(n, 3);
        var (dx0, db0) = ((float[])dx.Clone(), (float[])db.Clone());
        ResidualAdd.Backward(dx, db, dy, alpha, scale);
        Close(dx0.Select((v, i) => v + (double)alpha * dy[i]).ToArray(), dx, Rtol, "dX");
        Close(db0.Select((v, i) => v + (double)scale * dy[i]).ToArray(), db, Rtol, "dBranch");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(17)]
    public void ResidualAdd_backward_matches_finite_differences_of_forward(int n)
    {
        const float alpha = 0.8f, scale = 1.3f;
        var x = Uniform(n, 1);
        var branch = Uniform(n, 2);
        var r = Uniform(n, 3);
        var y = new float[n];
        float[] Forward() { ResidualAdd.Forward(y, x, branch, alpha, scale); return y; }
        var (dx, db) = (new float[n], new float[n]);
        ResidualAdd.Backward(dx, db, r, alpha, scale);
        GradCheck.Check("dX", x, dx, Forward, r);
        GradCheck.Check("dBranch", branch, db, Forward, r);
    }

    [Fact]
    public void ResidualAdd_backward_called_twice_doubles_the_gradients()
    {
        var dy = Uniform(37, 1);
        var (dx1, db1, dx2, db2) = (new float[37], new float[37], new float[37], new float[37]);
        ResidualAdd.Backward(dx1, db1, dy, 1.5f, 0.5f);
        ResidualAdd.Backward(dx2, db2, dy, 1.5f, 0.5f);
        ResidualAdd.Backward(dx2, db2, dy, 1.5f, 0.5f);
        Close(Twice(dx1), dx2, 0, "dX");
        Close(Twice(db1), db2, 0, "dBranch");
    }

    [Fact]
    public void ResidualAdd_backward_reads_dOutput_before_writing_an_aliased_dX()
    {
        var dy = Uniform(35, 1);
        var db = new float[35];
        var shared = (float[])dy.Clone(); // dX and dOutput are one buffer
        ResidualAdd.Backward(shared, db, shared, 0.5f, 2f);
        Close(dy.Select(v => 1.5 * v).ToArray(), shared, Rtol, "dX");
        Close(dy.Select(v => 2.0 * v).ToArray(), db, Rtol, "dBranch");
    }
}
