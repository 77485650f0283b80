namespace Cohort.Engine.Data;

/// <summary>
/// How <see cref="KerasSplitter"/> splits: Keras's <c>load_data(test_split, seed)</c> then <c>fit(validation_split)</c>.
/// </summary>
/// <param name="TestFraction">Keras's <c>test_split</c> (0.2 for Boston: 404 train, 102 test).</param>
/// <param name="ValidationFraction">Keras's <c>validation_split</c>: the last fraction of the training part (0.3: 122 rows).</param>
/// <param name="Seed">The NumPy <c>RandomState</c> seed of the row shuffle (Keras's default for Boston: 113).</param>
/// <param name="StandardizeFeatures">Whether to z-score features on the training part (false: raw, as Keras loads them).</param>
public sealed record KerasSplitOptions(double TestFraction = 0.2, double ValidationFraction = 0.3, uint Seed = 113, bool StandardizeFeatures = false);

/// <summary>
/// The data protocol of the public Keras code behind paper 000 (github.com/fediazgon/pbt-keras): rows shuffled by
/// <c>numpy.random.RandomState(seed).shuffle</c> (ported in <see cref="NumpyRandomState"/>), the first
/// int(n · (1 − test)) rows for training and the rest for test, as <c>keras.datasets.boston_housing.load_data</c>; then
/// the last rows of the training part, from int(n_train · (1 − validation)) on, for validation and the rest for training,
/// as Keras's <c>validation_split</c> (which does not shuffle). Every split keeps the shuffled row order, which matters
/// when batches are taken in order. Features stay raw unless asked; targets are never scaled; no imputation (the
/// Boston data has no missing values).
/// </summary>
public static class KerasSplitter
{
    /// <summary>Splits <paramref name="data"/>'s training pool (the whole dataset for Boston); a canonical test set is not supported.</summary>
    public static DatasetSplits Split(LoadedData data, KerasSplitOptions options)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        if (data.Test is not null)
        {
            throw new ArgumentException($"The Keras split draws its test set from all rows; '{data.Training.Name}' has a canonical test set.", nameof(data));
        }

        if (!(options.TestFraction > 0 && options.TestFraction < 1) || !(options.ValidationFraction > 0 && options.ValidationFraction < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options, "Keras split fractions must lie in (0, 1).");
        }

        var pool = data.Training;
        var order = Indices(pool.Count, options, out var trainCount, out var validationCount);
        var baseName = pool.Name.Split('/')[0];
        var train = pool.Subset(order.AsSpan(0, trainCount), baseName + "/train");
        var validation = pool.Subset(order.AsSpan(trainCount, validationCount), baseName + "/validation");
        var test = pool.Subset(order.AsSpan(trainCount + validationCount), baseName + "/test");
        Standardizer? scaler = null;
        if (options.StandardizeFeatures)
        {
            scaler = Standardizer.Fit(train.Features, train.SampleSize);
            scaler.Apply(train.Features);
            scaler.Apply(validation.Features);
            scaler.Apply(test.Features);
        }

        return new DatasetSplits(train, validation, test, scaler, null, null);
    }

    /// <summary>
    /// The row order: [train | validation | test] as indices into the loaded rows, with the split sizes. For Boston
    /// (506 rows, test 0.2, validation 0.3): 282 train, 122 validation, 102 test.
    /// </summary>
    public static int[] Indices(int rows, KerasSplitOptions options, out int trainCount, out int validationCount)
    {
        ArgumentNullException.ThrowIfNull(options);
        var shuffled = NumpyRandomState.Permutation(options.Seed, rows);
        // Python's int(len(x) * (1 - test_split)) and int(len(x) * (1 - validation_split)): truncation of a double.
        var kerasTrain = (int)(rows * (1.0 - options.TestFraction));
        trainCount = (int)(kerasTrain * (1.0 - options.ValidationFraction));
        validationCount = kerasTrain - trainCount;
        if (trainCount <= 0 || validationCount <= 0 || kerasTrain >= rows)
        {
            throw new ArgumentException($"Keras split of {rows} rows leaves an empty part (train {trainCount}, validation {validationCount}, test {rows - kerasTrain}).", nameof(rows));
        }

        // validation_split takes the last rows of the training part, test the rows after it: the order is already right.
        return shuffled;
    }
}
