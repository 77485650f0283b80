using Cohort.Engine.Training;

namespace Cohort.TorchSharp.Gan;

/// <summary>
/// The Inception Score (Salimans et al. 2016) with an MNIST classifier in place of Inception — the score paper 002's
/// GAN experiment reports, on the data available here: IS = exp(E_x KL(p(y|x) ‖ p(y))), with p(y|x) the classifier's
/// softmax for image x and p(y) its mean over the images. It lies in [1, classes]: high when each image is confidently
/// one digit and all digits appear equally (real test digits: near 10), 1 when every image gets the same
/// distribution (noise, or a generator collapsed to one digit).
/// </summary>
public static class InceptionScore
{
    /// <summary>
    /// The score of <paramref name="count"/> images (row-major [count, 1, 28, 28], values in [0, 1] as MNIST's loader
    /// gives them) under <paramref name="classifier"/>.
    /// </summary>
    public static double Compute(Trainer classifier, ReadOnlySpan<float> images, int count)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var classes = classifier.OutputSize;
        var logits = new float[count * classes];
        classifier.Predict(images, logits, count);
        var p = new double[count * classes];
        var marginal = new double[classes];
        for (var i = 0; i < count; i++)
        {
            var row = logits.AsSpan(i * classes, classes);
            double max = row[0];
            foreach (var z in row)
            {
                max = Math.Max(max, z);
            }

            double sum = 0;
            for (var c = 0; c < classes; c++)
            {
                sum += p[(i * classes) + c] = Math.Exp(row[c] - max);
            }

            for (var c = 0; c < classes; c++)
            {
                p[(i * classes) + c] /= sum;
                marginal[c] += p[(i * classes) + c] / count;
            }
        }

        double kl = 0;
        for (var i = 0; i < count; i++)
        {
            for (var c = 0; c < classes; c++)
            {
                var q = p[(i * classes) + c];
                if (q > 0)
                {
                    kl += q * (Math.Log(q) - Math.Log(marginal[c]));
                }
            }
        }

        return Math.Exp(kl / count);
    }
}
