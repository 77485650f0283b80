namespace Cohort.Core.Trainables;

/// <summary>
/// Optional capability of an <see cref="ITrainable"/> whose model generates images (a GAN's generator): draws a grid of
/// samples as a PNG, which hosts store with a run for its report. Drawing does not change the state, and the same state
/// draws the same image (the noise comes from a fixed seed).
/// </summary>
public interface ISampleImages
{
    /// <summary>Writes a grid of generated samples to <paramref name="png"/> as a PNG image.</summary>
    void WriteSamples(Stream png);
}
