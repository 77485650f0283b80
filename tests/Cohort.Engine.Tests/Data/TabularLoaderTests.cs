using System.Globalization;
using Cohort.Engine.Data;

namespace Cohort.Engine.Tests.Data;

public sealed class TabularLoaderTests
{
    [SharedDataFact]
    public void Should_Load506Rows_When_ReadingUciHousingData()
    {
        var boston = TabularLoader.LoadBostonWhitespace(SharedData.Path("boston/housing.data"));

        Assert.Equal(506, boston.Count);
        Assert.Equal([13], boston.Shape.ToArray());
        Assert.Equal(TaskKind.Regression, boston.Task);
        Assert.Equal(1, boston.TargetWidth);
        Assert.Equal(13, boston.FeatureNames!.Count);
        // First row: 0.00632 18.00 2.310 0 0.5380 6.5750 65.20 4.0900 1 296.0 15.30 396.90 4.98 24.00
        Assert.Equal(0.00632f, boston.Features[0]);
        Assert.Equal(4.98f, boston.Features[12]);
        Assert.Equal(24f, boston.Targets[0]);
        Assert.InRange(boston.Targets.Min(), 5f, 5f);
        Assert.InRange(boston.Targets.Max(), 50f, 50f);
    }

    [SharedDataFact]
    public void Should_MatchWhitespaceForm_When_ReadingBostonCsv()
    {
        var fromCsv = TabularLoader.LoadBostonCsv(SharedData.Path("boston/BostonHousing.csv"));
        var fromData = TabularLoader.LoadBostonWhitespace(SharedData.Path("boston/housing.data"));

        Assert.Equal(506, fromCsv.Count);
        Assert.Equal(fromData.Features, fromCsv.Features);
        Assert.Equal(fromData.Targets, fromCsv.Targets);
        Assert.Equal(2, fromCsv.Features.Where((_, i) => i % 13 == 3).Distinct().Count());
    }

    [SharedDataFact]
    public void Should_OneHotOceanProximityAndKeepMissingAsNaN_When_ReadingCaliforniaCsv()
    {
        var california = TabularLoader.LoadCaliforniaCsv(SharedData.Path("california/housing.csv"));

        Assert.Equal(20640, california.Count);
        Assert.Equal([13], california.Shape.ToArray());
        Assert.Equal("ocean_proximity=NEAR BAY", california.FeatureNames![11]);
        var missing = Enumerable.Range(0, california.Count).Count(r => float.IsNaN(california.Features[r * 13 + 4]));
        Assert.Equal(207, missing);
        var perCategory = new int[5];
        for (var r = 0; r < california.Count; r++)
        {
            var oneHot = california.Features.AsSpan(r * 13 + 8, 5).ToArray();
            Assert.Equal(1f, oneHot.Sum());
            perCategory[Array.IndexOf(oneHot, 1f)]++;
        }

        Assert.Equal([9136, 6551, 5, 2290, 2658], perCategory);
        // Row 1: -122.23,37.88,41.0,880.0,129.0,322.0,126.0,8.3252,452600.0,NEAR BAY (target in $100k).
        Assert.Equal(-122.23f, california.Features[0]);
        Assert.Equal(4.526f, california.Targets[0], 5);
        Assert.InRange(california.Targets.Max(), 5.00001f - 1e-4f, 5.00002f);
    }

    [SharedDataFact]
    public void Should_MatchCsvNumericColumns_When_ReadingCalHousingData()
    {
        var data = TabularLoader.LoadCaliforniaData(SharedData.Path("california/cal_housing.data"));
        var csv = TabularLoader.LoadCaliforniaCsv(SharedData.Path("california/housing.csv"));

        Assert.Equal(20640, data.Count);
        Assert.Equal([8], data.Shape.ToArray());
        Assert.Equal(csv.Targets, data.Targets);
        for (var r = 0; r < 20640; r += 97)
        {
            for (var c = 0; c < 8; c++)
            {
                var v = csv.Features[r * 13 + c];
                if (!float.IsNaN(v))
                {
                    Assert.Equal(v, data.Features[r * 8 + c]);
                }
            }
        }
    }

    [Fact]
    public void Should_ParseWithInvariantCulture_When_CurrentCultureUsesDecimalComma()
    {
        using var temp = new TempDirectory();
        var path = temp.Path("boston/housing.data");
        File.WriteAllText(path, " 0.5 1 2 3 4 5 6 7 8 9 10 11 12.25  24.5\n\n 1 1 1 1 1 1 1 1 1 1 1 1 1 1\n ");
        var previous = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("fr-FR");
            var data = TabularLoader.LoadBostonWhitespace(path);

            Assert.Equal(2, data.Count);
            Assert.Equal(0.5f, data.Features[0]);
            Assert.Equal(12.25f, data.Features[12]);
            Assert.Equal([24.5f, 1f], data.Targets);
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    [Fact]
    public void Should_NameFileAndLine_When_RowHasWrongColumnCount()
    {
        using var temp = new TempDirectory();
        var path = temp.Path("boston/housing.data");
        File.WriteAllText(path, "1 2 3 4 5 6 7 8 9 10 11 12 13 14\n1 2 3\n");

        var ex = Assert.Throws<DatasetException>(() => TabularLoader.LoadBostonWhitespace(path));

        Assert.Equal($"{path}: line 2: expected 14 columns, got 3", ex.Message);
    }

    [Fact]
    public void Should_NameCell_When_ValueIsNotANumber()
    {
        using var temp = new TempDirectory();
        var path = temp.Path("boston/BostonHousing.csv");
        File.WriteAllText(path, "\"crim\",\"zn\",\"indus\",\"chas\",\"nox\",\"rm\",\"age\",\"dis\",\"rad\",\"tax\",\"ptratio\",\"b\",\"lstat\",\"medv\"\n1,2,3,\"x\",5,6,7,8,9,10,11,12,13,14\n");

        var ex = Assert.Throws<DatasetException>(() => TabularLoader.LoadBostonCsv(path));

        Assert.Equal($"{path}: line 2, column 4: 'x' is not a number", ex.Message);
    }

    [Fact]
    public void Should_RejectUnknownCategory_When_OceanProximityIsNew()
    {
        using var temp = new TempDirectory();
        var path = temp.Path("california/housing.csv");
        File.WriteAllText(path, "longitude,latitude,housing_median_age,total_rooms,total_bedrooms,population,households,median_income,median_house_value,ocean_proximity\n1,2,3,4,5,6,7,8,9,ON MARS\n");

        var ex = Assert.Throws<DatasetException>(() => TabularLoader.LoadCaliforniaCsv(path));

        Assert.Contains("line 2: unknown ocean_proximity 'ON MARS'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_RejectHeader_When_ColumnsAreNotCaliforniaHousing()
    {
        using var temp = new TempDirectory();
        var path = temp.Path("california/housing.csv");
        File.WriteAllText(path, "a,b,c\n1,2,3\n");

        var ex = Assert.Throws<DatasetException>(() => TabularLoader.LoadCaliforniaCsv(path));

        Assert.StartsWith($"{path}: line 1: unexpected header 'a,b,c'", ex.Message, StringComparison.Ordinal);
    }
}
