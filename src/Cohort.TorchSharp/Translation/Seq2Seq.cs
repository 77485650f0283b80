using Cohort.TorchSharp.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Cohort.TorchSharp.Translation;

/// <summary>The sizes of a <see cref="Seq2Seq"/>.</summary>
/// <param name="SourceVocabulary">Source token ids (0 is padding).</param>
/// <param name="TargetVocabulary">Target token ids (0 is padding).</param>
/// <param name="Embedding">Word-embedding width of both languages (paper 002: 100).</param>
/// <param name="Units">GRU state width of the encoder and the decoder (paper 002: 96).</param>
internal sealed record Seq2SeqShape(int SourceVocabulary, int TargetVocabulary, int Embedding, int Units)
{
    public string Describe() => $"seq2seq GRU {Embedding}/{Units} ({SourceVocabulary}→{TargetVocabulary} words)";
}

/// <summary>
/// Paper 002's translation model (sec. 4.3, its Keras summary), smaller: a GRU encoder over the source embeddings; a
/// GRU decoder over the target embeddings, starting from the encoder's last state; dot-product attention (Luong, Pham
/// and Manning 2015, "dot" score) of each decoder state over the encoder states; the context and the decoder state
/// concatenated through a dense tanh layer, dropout, and a dense prediction over the target vocabulary. The one
/// <see cref="GeneratorDropout"/> (the live <c>dropout</c> hyperparameter) is applied to both embeddings and to the
/// attention layer's output (the paper's "DropoutHP" sits after its dense layer; on a 40-word task the embeddings need it
/// more).
/// <para>
/// Sources are left-padded (padding first), so the encoder's last state follows the last real word; attention gives
/// padding no weight. All weights are drawn from the member's generator (<see cref="Initialize"/>).
/// </para>
/// </summary>
internal sealed class Seq2Seq : nn.Module
{
    // Held for the process: a Scalar converted implicitly at a call can be finalised while LibTorch still reads it
    // (TorchSharp 0.107 keeps no reference across the native call), which shows as "Unknown scalar type" under GC load.
    private static readonly Scalar s_minusInfinity = double.NegativeInfinity;

    private readonly Embedding _sourceEmbedding;
    private readonly Embedding _targetEmbedding;
    private readonly GRU _encoder;
    private readonly GRU _decoder;
    private readonly Linear _attention;
    private readonly Linear _prediction;
    private readonly GeneratorDropout _dropout;

    public Seq2Seq(Seq2SeqShape shape, torch.Generator generator)
        : base(nameof(Seq2Seq))
    {
        Shape = shape;
        _sourceEmbedding = nn.Embedding(shape.SourceVocabulary, shape.Embedding, padding_idx: 0);
        _targetEmbedding = nn.Embedding(shape.TargetVocabulary, shape.Embedding, padding_idx: 0);
        _encoder = nn.GRU(shape.Embedding, shape.Units, batchFirst: true);
        _decoder = nn.GRU(shape.Embedding, shape.Units, batchFirst: true);
        _attention = nn.Linear(2 * shape.Units, shape.Units);
        _prediction = nn.Linear(shape.Units, shape.TargetVocabulary);
        _dropout = new GeneratorDropout(generator);
        RegisterComponents();
        Initialize(generator);
    }

    public Seq2SeqShape Shape { get; }

    /// <summary>The drop probability of the embeddings and the attention layer's output (the <c>dropout</c> hyperparameter).</summary>
    public GeneratorDropout Dropout => _dropout;

    /// <summary>The encoder's states [B, S, H] and last state [1, B, H] for left-padded <paramref name="source"/> [B, S].</summary>
    public (Tensor States, Tensor Last) Encode(Tensor source)
    {
        var (states, last) = _encoder.call(_dropout.call(_sourceEmbedding.call(source)), null);
        return (states, last);
    }

    /// <summary>
    /// Logits [B, T, V] for decoder inputs <paramref name="input"/> [B, T] (the sentence after &lt;s&gt;, teacher forcing)
    /// from <paramref name="state"/> [1, B, H], and the decoder's last state.
    /// </summary>
    public (Tensor Logits, Tensor State) Decode(Tensor input, Tensor state, Tensor encoded, Tensor sourcePadding)
    {
        var (states, last) = _decoder.call(_dropout.call(_targetEmbedding.call(input)), state);

        // Luong's dot score: a = softmax(h_t · h̄_s) over the source positions; context c_t = Σ a h̄_s.
        var scores = states.bmm(encoded.transpose(1, 2)).masked_fill(sourcePadding.unsqueeze(1), s_minusInfinity);
        var context = scores.softmax(-1).bmm(encoded);
        var attended = _attention.call(cat([context, states], -1)).tanh();
        return (_prediction.call(_dropout.call(attended)), last);
    }

    /// <summary>
    /// PyTorch's default schemes, drawn from <paramref name="generator"/>: embeddings N(0, 1) with the padding row zero;
    /// GRU weights and biases U(±1/√H); the dense layers Glorot uniform, biases zero (<see cref="TorchInit"/>).
    /// </summary>
    private void Initialize(torch.Generator generator)
    {
        using var _ = no_grad();
        foreach (var embedding in new[] { _sourceEmbedding, _targetEmbedding })
        {
            embedding.weight!.normal_(0, 1, generator);
            embedding.weight[0].zero_();
        }

        var bound = 1 / Math.Sqrt(Shape.Units);
        foreach (var (_, parameter) in _encoder.named_parameters().Concat(_decoder.named_parameters()))
        {
            parameter.uniform_(-bound, bound, generator);
        }

        TorchInit.Glorot(_attention.weight!, _attention.bias, generator);
        TorchInit.Glorot(_prediction.weight!, _prediction.bias, generator);
    }
}
