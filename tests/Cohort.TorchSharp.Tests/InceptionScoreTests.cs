using Cohort.TorchSharp.Gan;

namespace Cohort.TorchSharp.Tests;

public sealed class InceptionScoreTests
{
    [SharedDataFact]
    public void Should_RankRealDigitsNearTheTopAndNoiseNearTheBottom_When_Scored()
    {
        // Given the MNIST classifier (engine LeNet-5) and 1000 images of each known kind
        var classifier = GanSupport.Classifier.CreateTrainer();
        var test = SharedData.Mnist.Test!;
        const int n = 1000;
        var random = new Random(7);
        var noise = new float[n * 784];
        for (var i = 0; i < noise.Length; i++)
        {
            noise[i] = (float)random.NextDouble();
        }

        var oneDigit = new float[n * 784];
        for (var i = 0; i < n; i++)
        {
            test.Features.AsSpan(0, 784).CopyTo(oneDigit.AsSpan(i * 784));
        }

        // When each set is scored
        var real = InceptionScore.Compute(classifier, test.Features, n);
        var uniform = InceptionScore.Compute(classifier, noise, n);
        var collapsed = InceptionScore.Compute(classifier, oneDigit, n);
        var blank = InceptionScore.Compute(classifier, new float[n * 784], n);

        // Then real test digits score near the maximum of 10 and noise, one repeated digit and blank images near 1
        Assert.InRange(real, 8.5, 10);
        Assert.InRange(uniform, 1, 1.5);
        Assert.InRange(collapsed, 0.9999, 1.0001);
        Assert.InRange(blank, 0.9999, 1.0001);
    }

    [SharedDataFact]
    public void Should_ReadTheCachedClassifier_When_AskedAgain()
    {
        var first = GanSupport.Classifier;
        var again = MnistClassifier.LoadOrTrain(SharedData.Mnist, GanSupport.CacheDirectory, GanSupport.QuickRecipe);

        Assert.False(again.WasTrained);
        Assert.Equal(first.Key, again.Key);
        Assert.Equal(first.TestAccuracy, again.TestAccuracy);
        Assert.InRange(first.TestAccuracy, 0.96, 1);
        Assert.Equal(first.Key, MnistClassifier.CacheKey(SharedData.Mnist.Training, GanSupport.QuickRecipe));
        Assert.NotEqual(first.Key, MnistClassifier.CacheKey(SharedData.Mnist.Training, GanSupport.QuickRecipe with { Epochs = 2 }));
    }
}
