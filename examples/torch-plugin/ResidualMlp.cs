using Cohort.TorchSharp.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Cohort.Examples.TorchPlugin;

/// <summary>
/// A model Cohort's engine cannot express: an input layer, then <c>blocks</c> pre-norm residual blocks
/// h ← h + s · dropout(relu(W · layer_norm(h))), then a linear output. The residual scale s is a live setting
/// (the hyperparameter <c>residual_scale</c>); dropout draws its masks from the member's generator.
/// </summary>
public sealed class ResidualMlp : nn.Module<Tensor, Tensor>
{
    private readonly Linear _input;
    private readonly ModuleList<LayerNorm> _norms = new();
    private readonly ModuleList<Linear> _layers = new();
    private readonly ModuleList<GeneratorDropout> _dropouts = new();
    private readonly Linear _output;

    /// <summary>Builds the model, drawing every initial weight from <paramref name="generator"/>.</summary>
    public ResidualMlp(int inputs, int width, int blocks, int outputs, Generator generator)
        : base(nameof(ResidualMlp))
    {
        _input = nn.Linear(inputs, width);
        TorchInit.He(_input.weight!, _input.bias, generator);
        for (var i = 0; i < blocks; i++)
        {
            var layer = nn.Linear(width, width);
            TorchInit.He(layer.weight!, layer.bias, generator);
            _norms.Add(nn.LayerNorm(width));
            _layers.Add(layer);
            _dropouts.Add(new GeneratorDropout(generator));
        }

        _output = nn.Linear(width, outputs);
        TorchInit.Glorot(_output.weight!, _output.bias, generator);
        RegisterComponents();
    }

    /// <summary>s, the weight of each block's output in the residual sum (live: <c>residual_scale</c>).</summary>
    public double ResidualScale { get; set; } = 1.0;

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var h = nn.functional.relu(_input.call(input.flatten(1)));
        for (var i = 0; i < _layers.Count; i++)
        {
            h = h + ResidualScale * _dropouts[i].call(nn.functional.relu(_layers[i].call(_norms[i].call(h))));
        }

        return _output.call(h).MoveToOuterDisposeScope();
    }
}
