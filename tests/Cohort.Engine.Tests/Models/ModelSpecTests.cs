using Cohort.Engine.Models;
using Cohort.Engine.Training;

namespace Cohort.Engine.Tests.Models;

public sealed class ModelSpecTests
{
    [Fact]
    public void Should_DescribeCanonically_When_BuiltIn()
    {
        Assert.Equal("in(13) dense(64) relu dense(1) init=auto", ModelSpec.Mlp(13, [64], 1).Describe());
        Assert.Equal(
            "in(1,28,28) conv2d(6,5,1,2) relu maxpool(2,2) conv2d(16,5,1,0) relu maxpool(2,2) flatten dense(120) relu dense(84) relu dense(10) init=auto",
            ModelSpec.LeNet5().Describe());
        Assert.Equal("in(784) dense(1024) relu dense(1024) relu dense(10) init=auto", ModelSpec.Fc(784).Describe());
        Assert.Contains("relu dropout dense(1)", ModelSpec.Mlp(13, [64], 1, dropout: true).Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public void Should_DescribeWithInvariantCulture_When_CurrentCultureIsFrench()
    {
        var previous = System.Globalization.CultureInfo.CurrentCulture;
        try
        {
            System.Globalization.CultureInfo.CurrentCulture = new System.Globalization.CultureInfo("fr-FR");
            var spec = new ModelSpec([3], [new DenseSpec(4), new ActivationSpec(ActivationKind.LeakyRelu, 0.05f), new DenseSpec(1)]);
            Assert.Equal("in(3) dense(4) leaky_relu(0.05) dense(1) init=auto", spec.Describe());
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentCulture = previous;
        }
    }

    [Fact]
    public void Should_BeEqualStructurally_When_SameLayers()
    {
        Assert.Equal(ModelSpec.Mlp(13, [64], 1), ModelSpec.Mlp(13, new List<int> { 64 }, 1));
        Assert.Equal(ModelSpec.Mlp(13, [64], 1).Fingerprint(), ModelSpec.Mlp(13, [64], 1).Fingerprint());
        Assert.NotEqual(ModelSpec.Mlp(13, [64], 1).Fingerprint(), ModelSpec.Mlp(13, [65], 1).Fingerprint());
    }

    [Fact]
    public void Should_CountParameters_When_BuildingPaperModels()
    {
        var mlp = new Trainer(ModelSpec.Mlp(13, [64], 1), OptimizerKind.Adam, LossKind.MeanSquaredError, 1);
        Assert.Equal((13 * 64) + 64 + 64 + 1, mlp.ParameterCount);
        Assert.Equal((13 * 64) + 64, mlp.WeightCount);
        var fc = new Trainer(ModelSpec.Fc(), OptimizerKind.Adam, LossKind.SoftmaxCrossEntropy, 1, maxBatch: 2);
        Assert.Equal((3072 * 1024) + 1024 + (1024 * 1024) + 1024 + (1024 * 10) + 10, fc.ParameterCount);
    }

    [Fact]
    public void Should_InitialiseHeAndZeroBiases_When_Seeded()
    {
        var t = new Trainer(ModelSpec.Mlp(400, [300], 2), OptimizerKind.Adam, LossKind.SoftmaxCrossEntropy, 7);
        var w = t.Parameters[..(400 * 300)].ToArray();
        var std = Math.Sqrt(w.Select(x => (double)x * x).Average());
        Assert.Equal(Math.Sqrt(2.0 / 400), std, 2); // He: √(2/fan_in) ≈ 0.0707
        Assert.All(t.Parameters[t.WeightCount..].ToArray(), b => Assert.Equal(0f, b));
        var glorot = t.Parameters.Slice(400 * 300, 600).ToArray();
        var limit = Math.Sqrt(6.0 / 302);
        Assert.All(glorot, x => Assert.InRange(x, -limit, limit));
        Assert.True(glorot.Max() > 0.8 * limit);
    }

    [Fact]
    public void Should_Throw_When_LayerDoesNotFitInput()
    {
        Assert.Throws<ArgumentException>(() => new Trainer(
            new ModelSpec([10], [new Conv2dSpec(3, 3)]), OptimizerKind.Adam, LossKind.MeanSquaredError, 1));
        Assert.Throws<ArgumentException>(() => new Trainer(
            new ModelSpec([1, 4, 4], [new Conv2dSpec(3, 5)]), OptimizerKind.Adam, LossKind.MeanSquaredError, 1));
        Assert.Throws<ArgumentException>(() => new Trainer(
            ModelSpec.Mlp(3, [4], 1), OptimizerKind.Adam, LossKind.SoftmaxCrossEntropy, 1));
    }
}
