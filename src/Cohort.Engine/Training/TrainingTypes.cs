namespace Cohort.Engine.Training;

/// <summary>Optimizers. Values are stored in checkpoints: do not renumber.</summary>
public enum OptimizerKind
{
    /// <summary>SGD with optional (Nesterov) momentum; weight decay added to the gradient.</summary>
    Sgd = 0,

    /// <summary>Adam (Kingma and Ba 2015); weight decay added to the gradient (coupled, as PyTorch's Adam).</summary>
    Adam = 1,

    /// <summary>AdamW (Loshchilov and Hutter 2019): weight decay decoupled from the gradient.</summary>
    AdamW = 2,
}

/// <summary>Losses. Values are stored in checkpoints: do not renumber.</summary>
public enum LossKind
{
    /// <summary>Softmax cross-entropy, mean over the batch; one target per sample: the class index as a float.</summary>
    SoftmaxCrossEntropy = 0,

    /// <summary>Mean squared error over batch × outputs; targets have the output's shape.</summary>
    MeanSquaredError = 1,
}

/// <summary>
/// Every live hyperparameter of a trainer; any of them may change between two steps.
/// </summary>
/// <param name="LearningRate">α.</param>
/// <param name="Momentum">μ for SGD.</param>
/// <param name="Nesterov">Nesterov momentum for SGD.</param>
/// <param name="Beta1">Adam β₁.</param>
/// <param name="Beta2">Adam β₂.</param>
/// <param name="Epsilon">Adam ε.</param>
/// <param name="WeightDecay">λ: coupled for SGD and Adam, decoupled for AdamW; applies to all parameters.</param>
/// <param name="L1">λ₁: adds λ₁·Σ|w| to the loss and λ₁·sign(w) to the gradient of weights (not biases).</param>
/// <param name="L2">λ₂: adds λ₂·Σw² to the loss and 2λ₂·w to the gradient of weights (not biases).</param>
/// <param name="Dropout">Drop probability p ∈ [0, 1) of every dropout layer.</param>
public sealed record TrainingHyperparameters(
    float LearningRate = 1e-3f,
    float Momentum = 0f,
    bool Nesterov = false,
    float Beta1 = 0.9f,
    float Beta2 = 0.999f,
    float Epsilon = 1e-8f,
    float WeightDecay = 0f,
    float L1 = 0f,
    float L2 = 0f,
    float Dropout = 0f)
{
    /// <summary>
    /// Per-layer penalties (paper 000's Keras code gives every Dense layer its own l1_l2 regulariser): entry k holds
    /// λ₁ and λ₂ of the k-th layer that has weights, in network order, and replaces <see cref="L1"/> and <see cref="L2"/>
    /// for that layer; layers beyond the list use L1 and L2. Null (the default): L1 and L2 apply to every layer.
    /// Not stored in checkpoints: the trainable re-applies its hyperparameters before every task.
    /// </summary>
    public IReadOnlyList<LayerPenalty>? LayerPenalties { get; init; }
}

/// <summary>The L1 and L2 penalty factors of one layer's weights (see <see cref="TrainingHyperparameters.LayerPenalties"/>).</summary>
public sealed record LayerPenalty(float L1, float L2);

/// <summary>
/// Result of <see cref="Trainer.Evaluate"/> in inference mode: the mean data loss (no penalties), and accuracy
/// (classification) or mean squared error (regression).
/// </summary>
public sealed record EvaluationResult(int Count, double Loss, double? Accuracy, double? MeanSquaredError);
