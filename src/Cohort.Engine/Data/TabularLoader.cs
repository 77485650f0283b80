using System.Globalization;

namespace Cohort.Engine.Data;

/// <summary>
/// Loaders for the tabular regression datasets: Boston Housing (Harrison and Rubinfeld 1978) and California Housing
/// (Pace and Barry 1997). Parsing uses the invariant culture; a malformed line is a <see cref="DatasetException"/>
/// naming the file, the line number and the problem.
/// </summary>
public static class TabularLoader
{
    /// <summary>The 13 Boston features, in file order (the target MEDV is the 14th column).</summary>
    public static IReadOnlyList<string> BostonFeatureNames { get; } =
        ["CRIM", "ZN", "INDUS", "CHAS", "NOX", "RM", "AGE", "DIS", "RAD", "TAX", "PTRATIO", "B", "LSTAT"];

    /// <summary>The <c>ocean_proximity</c> categories of California <c>housing.csv</c>, in one-hot column order.</summary>
    public static IReadOnlyList<string> OceanProximityCategories { get; } =
        ["<1H OCEAN", "INLAND", "ISLAND", "NEAR BAY", "NEAR OCEAN"];

    /// <summary>The 8 numeric California features shared by <c>housing.csv</c> and <c>cal_housing.data</c>.</summary>
    public static IReadOnlyList<string> CaliforniaNumericFeatureNames { get; } =
        ["longitude", "latitude", "housing_median_age", "total_rooms", "total_bedrooms", "population", "households", "median_income"];

    /// <summary>California targets are median_house_value divided by this (units of $100,000, as in scikit-learn).</summary>
    public const float CaliforniaTargetScale = 100_000f;

    private static readonly string[] s_bostonCsvHeader =
        ["crim", "zn", "indus", "chas", "nox", "rm", "age", "dis", "rad", "tax", "ptratio", "b", "lstat", "medv"];

    private static readonly string[] s_californiaCsvHeader =
        ["longitude", "latitude", "housing_median_age", "total_rooms", "total_bedrooms", "population", "households", "median_income", "median_house_value", "ocean_proximity"];

    /// <summary>
    /// Loads the UCI/StatLib <c>housing.data</c>: 14 whitespace-separated columns per line, no header; blank lines
    /// (the file ends with a stray space) are skipped. Features: the 13 columns CRIM..LSTAT, shape [13];
    /// target: MEDV (median value in $1000s).
    /// </summary>
    public static Dataset LoadBostonWhitespace(string path, string name = "boston")
    {
        var lines = DataFileReader.ReadAllLines(path);
        var features = new List<float>(506 * 13);
        var targets = new List<float>(506);
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            var cells = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            AddRow(path, i + 1, cells, 14, features, targets);
        }

        return Build(path, name, features, targets, BostonFeatureNames);
    }

    /// <summary>
    /// Loads the CSV form <c>BostonHousing.csv</c> (R's mlbench): a header
    /// <c>"crim",…,"medv"</c> (quoted names, case-insensitive) and 506 rows, where quoted values such as
    /// <c>"0"</c> for chas are accepted. Same features and target as <see cref="LoadBostonWhitespace"/>.
    /// </summary>
    public static Dataset LoadBostonCsv(string path, string name = "boston")
    {
        var lines = DataFileReader.ReadAllLines(path);
        var headerIndex = FirstNonBlank(lines);
        if (headerIndex < 0)
        {
            throw new DatasetException(path, "empty file");
        }

        CheckHeader(path, headerIndex + 1, SplitCsv(lines[headerIndex]), s_bostonCsvHeader);
        var features = new List<float>(506 * 13);
        var targets = new List<float>(506);
        for (var i = headerIndex + 1; i < lines.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(lines[i]))
            {
                continue;
            }

            AddRow(path, i + 1, SplitCsv(lines[i]), 14, features, targets);
        }

        return Build(path, name, features, targets, BostonFeatureNames);
    }

    /// <summary>
    /// Loads Géron's <c>housing.csv</c> (header <c>longitude,…,median_house_value,ocean_proximity</c>). Features,
    /// shape [13]: the 8 numeric columns followed by a one-hot encoding of <c>ocean_proximity</c> in the order of
    /// <see cref="OceanProximityCategories"/>. Empty cells (207 in <c>total_bedrooms</c>) become NaN here; the splitter
    /// imputes them with the median of the training split (see <see cref="DatasetSplitter"/>), so no statistic of
    /// validation or test data leaks in. Target: median_house_value / 100,000 (units of $100k).
    /// </summary>
    public static Dataset LoadCaliforniaCsv(string path, string name = "california")
    {
        var lines = DataFileReader.ReadAllLines(path);
        var headerIndex = FirstNonBlank(lines);
        if (headerIndex < 0)
        {
            throw new DatasetException(path, "empty file");
        }

        CheckHeader(path, headerIndex + 1, SplitCsv(lines[headerIndex]), s_californiaCsvHeader);
        var categories = OceanProximityCategories;
        var featureCount = 8 + categories.Count;
        var features = new List<float>(20640 * featureCount);
        var targets = new List<float>(20640);
        for (var i = headerIndex + 1; i < lines.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(lines[i]))
            {
                continue;
            }

            var cells = SplitCsv(lines[i]);
            var lineNumber = i + 1;
            if (cells.Length != 10)
            {
                throw new DatasetException(path, $"line {lineNumber}: expected 10 columns, got {cells.Length}");
            }

            for (var c = 0; c < 8; c++)
            {
                features.Add(cells[c].Length == 0 ? float.NaN : ParseCell(path, lineNumber, c, cells[c]));
            }

            var category = -1;
            for (var k = 0; k < categories.Count; k++)
            {
                if (string.Equals(cells[9], categories[k], StringComparison.Ordinal))
                {
                    category = k;
                }
            }

            if (category < 0)
            {
                throw new DatasetException(path, $"line {lineNumber}: unknown ocean_proximity '{cells[9]}', expected one of {string.Join(", ", categories)}");
            }

            for (var k = 0; k < categories.Count; k++)
            {
                features.Add(k == category ? 1f : 0f);
            }

            targets.Add(ParseTarget(path, lineNumber, 8, cells[8]) / CaliforniaTargetScale);
        }

        var names = new List<string>(CaliforniaNumericFeatureNames);
        foreach (var c in categories)
        {
            names.Add("ocean_proximity=" + c);
        }

        return Build(path, name, features, targets, names);
    }

    /// <summary>
    /// Loads the StatLib <c>cal_housing.data</c>: 9 comma-separated columns, no header, no missing values. Features,
    /// shape [8]: the 8 numeric columns; target: medianHouseValue / 100,000 (units of $100k).
    /// </summary>
    public static Dataset LoadCaliforniaData(string path, string name = "california")
    {
        var lines = DataFileReader.ReadAllLines(path);
        var features = new List<float>(20640 * 8);
        var targets = new List<float>(20640);
        for (var i = 0; i < lines.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(lines[i]))
            {
                continue;
            }

            AddRow(path, i + 1, SplitCsv(lines[i]), 9, features, targets, CaliforniaTargetScale);
        }

        return Build(path, name, features, targets, CaliforniaNumericFeatureNames);
    }

    private static void AddRow(string path, int lineNumber, string[] cells, int columns, List<float> features, List<float> targets, float targetScale = 1f)
    {
        if (cells.Length != columns)
        {
            throw new DatasetException(path, $"line {lineNumber}: expected {columns} columns, got {cells.Length}");
        }

        for (var c = 0; c < columns - 1; c++)
        {
            features.Add(ParseCell(path, lineNumber, c, cells[c]));
        }

        targets.Add(ParseTarget(path, lineNumber, columns - 1, cells[columns - 1]) / targetScale);
    }

    private static float ParseCell(string path, int lineNumber, int column, string cell)
    {
        if (!double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
        {
            throw new DatasetException(path, $"line {lineNumber}, column {column + 1}: '{cell}' is not a number");
        }

        return (float)value;
    }

    private static float ParseTarget(string path, int lineNumber, int column, string cell)
    {
        if (cell.Length == 0)
        {
            throw new DatasetException(path, $"line {lineNumber}, column {column + 1}: the target is empty");
        }

        return ParseCell(path, lineNumber, column, cell);
    }

    private static Dataset Build(string path, string name, List<float> features, List<float> targets, IReadOnlyList<string> featureNames)
    {
        if (targets.Count == 0)
        {
            throw new DatasetException(path, "no data rows");
        }

        return new Dataset(name, [featureNames.Count], [.. features], [.. targets], 1, TaskKind.Regression, 0, featureNames);
    }

    private static int FirstNonBlank(string[] lines)
    {
        for (var i = 0; i < lines.Length; i++)
        {
            if (!string.IsNullOrWhiteSpace(lines[i]))
            {
                return i;
            }
        }

        return -1;
    }

    private static void CheckHeader(string path, int lineNumber, string[] cells, string[] expected)
    {
        var ok = cells.Length == expected.Length;
        for (var i = 0; ok && i < cells.Length; i++)
        {
            ok = string.Equals(cells[i], expected[i], StringComparison.OrdinalIgnoreCase);
        }

        if (!ok)
        {
            throw new DatasetException(path, $"line {lineNumber}: unexpected header '{string.Join(',', cells)}', expected '{string.Join(',', expected)}'");
        }
    }

    /// <summary>Splits a CSV line on commas (the datasets have no embedded commas), trimming spaces and one pair of surrounding quotes.</summary>
    private static string[] SplitCsv(string line)
    {
        var cells = line.Split(',');
        for (var i = 0; i < cells.Length; i++)
        {
            var cell = cells[i].Trim();
            if (cell.Length >= 2 && cell[0] == '"' && cell[^1] == '"')
            {
                cell = cell[1..^1];
            }

            cells[i] = cell;
        }

        return cells;
    }
}
