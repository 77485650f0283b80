using System.Runtime.CompilerServices;
using System.Text.Json;
using Cohort.Engine.Kernels;
using Cohort.Engine.Models;
using Cohort.Engine.Training;

namespace Cohort.Engine.Tests.Golden;

/// <summary>Reference values computed by PyTorch 1.13 (make_golden.py → golden.json, committed; not run by CI).</summary>
public sealed class GoldenTests
{
    private static readonly JsonElement Golden = Load();

    private static JsonElement Load([CallerFilePath] string source = "")
    {
        var path = Path.Combine(Path.GetDirectoryName(source)!, "golden.json");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return doc.RootElement.Clone();
    }

    private static float[] Floats(JsonElement e) => e.EnumerateArray().Select(v => v.GetSingle()).ToArray();

    [Theory]
    [InlineData("sgd_momentum")]
    [InlineData("sgd_nesterov")]
    [InlineData("adam")]
    [InlineData("adamw")]
    public void Should_MatchPyTorch_When_OptimizerStepsThreeTimes(string name)
    {
        var w = Floats(Golden.GetProperty("w0"));
        var grads = Golden.GetProperty("grads").EnumerateArray().Select(Floats).ToArray();
        var c = Golden.GetProperty(name);
        var h = c.GetProperty("hyper");
        var expected = c.GetProperty("weights").EnumerateArray().Select(Floats).ToArray();
        var m = new float[w.Length];
        var v = new float[w.Length];
        var lr = h.GetProperty("lr").GetSingle();
        var decay = h.GetProperty("weight_decay").GetSingle();
        for (var step = 1; step <= 3; step++)
        {
            if (name.StartsWith("sgd", StringComparison.Ordinal))
            {
                SgdStep.Apply(w, grads[step - 1], m, lr, h.GetProperty("momentum").GetSingle(), decay, name.EndsWith("nesterov", StringComparison.Ordinal));
            }
            else
            {
                var b1 = h.GetProperty("betas")[0].GetSingle();
                var b2 = h.GetProperty("betas")[1].GetSingle();
                var decoupled = name == "adamw";
                var s = new AdamScalars(
                    b1, b2, (float)(lr / (1 - Math.Pow(b1, step))), (float)(1 / Math.Sqrt(1 - Math.Pow(b2, step))),
                    h.GetProperty("eps").GetSingle(), decoupled ? 0f : decay, decoupled ? 1f - (lr * decay) : 1f);
                AdamStep.Apply(w, grads[step - 1], m, v, s);
            }

            for (var i = 0; i < w.Length; i++)
            {
                Assert.Equal(expected[step - 1][i], w[i], 5);
            }
        }
    }

    public static TheoryData<string> Networks => new() { "mlp_ce", "mlp_mse", "cnn_ce" };

    [Theory]
    [MemberData(nameof(Networks))]
    public void Should_MatchPyTorchLossAndGradients_When_SameWeights(string name)
    {
        var (spec, loss, batch) = name switch
        {
            "mlp_ce" => (new ModelSpec([4], [new DenseSpec(5), new ActivationSpec(ActivationKind.Tanh), new DenseSpec(3)]), LossKind.SoftmaxCrossEntropy, 3),
            "mlp_mse" => (new ModelSpec([3], [new DenseSpec(20), new ActivationSpec(ActivationKind.Relu), new DenseSpec(2)]), LossKind.MeanSquaredError, 4),
            _ => (new ModelSpec(
                [2, 6, 6],
                [
                    new Conv2dSpec(3, 3, 1, 1), new ActivationSpec(ActivationKind.Relu), new Pool2dSpec(PoolKind.Max, 2),
                    new Conv2dSpec(4, 2), new ActivationSpec(ActivationKind.Sigmoid), new Pool2dSpec(PoolKind.Average, 2),
                    new FlattenSpec(), new DenseSpec(3),
                ]), LossKind.SoftmaxCrossEntropy, 2),
        };
        var g = Golden.GetProperty(name);
        var trainer = new Trainer(spec, OptimizerKind.Sgd, loss, 1, maxBatch: batch);
        var parameters = Floats(g.GetProperty("parameters"));
        Assert.Equal(trainer.ParameterCount, parameters.Length);
        parameters.CopyTo(trainer.Network.Parameters, 0);

        var value = trainer.ComputeGradients(Floats(g.GetProperty("x")), Floats(g.GetProperty("y")), batch, training: false);

        Assert.Equal(g.GetProperty("loss").GetDouble(), value, 5);
        var expected = Floats(g.GetProperty("gradients"));
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], trainer.Gradients[i], 5);
        }
    }
}
