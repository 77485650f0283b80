using Cohort.Engine.Data;
using Cohort.TorchSharp.Gan;

namespace Cohort.TorchSharp.Tests;

/// <summary>MNIST splits and a quickly trained classifier (one epoch, about 97.5%), shared by the GAN tests.</summary>
internal static class GanSupport
{
    /// <summary>The tests' recipe: one epoch at 1e-3 (the product default trains longer, to about 99%).</summary>
    public static readonly ClassifierRecipe QuickRecipe = new(Epochs: 1, LearningRate: 1e-3, Decay: 1);

    /// <summary>Outside the repository and the shared data (which CI may not write): the system's temporary folder.</summary>
    public static string CacheDirectory { get; } = Path.Combine(Path.GetTempPath(), "cohort-tests", "classifier");

    private static readonly Lazy<DatasetSplits> s_splits = new(() => DatasetCatalog.Load("mnist", SharedData.Directory, new SplitOptions { Seed = 1 }));

    private static readonly Lazy<MnistClassifier> s_classifier = new(() =>
        MnistClassifier.LoadOrTrain(SharedData.Mnist, CacheDirectory, QuickRecipe, threads: 2));

    public static DatasetSplits Splits => s_splits.Value;

    public static MnistClassifier Classifier => s_classifier.Value;

    /// <summary>A small DCGAN (width 8) so that tests train it in a fraction of a second per step.</summary>
    public static GanTrainableFactory Factory(int width = 8, int scoreSamples = 200) =>
        new(new GanTrainableOptions(new DcganShape(Width: width, Latent: 32), BatchSize: 32, ScoreSamples: scoreSamples), Splits, Classifier);
}
