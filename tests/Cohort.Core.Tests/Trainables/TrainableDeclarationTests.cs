using Cohort.Core.Hyperparameters;
using Cohort.Core.Scheduling;
using Cohort.Core.Trainables;

namespace Cohort.Core.Tests.Trainables;

public sealed class TrainableDeclarationTests
{
    private static readonly TrainableDeclaration s_declaration = new(
        "net",
        [
            HyperparameterDeclaration.Real("learning_rate", ValueRange.AtLeast(0)) with { Required = true },
            HyperparameterDeclaration.Real("dropout", ValueRange.HalfOpen(0, 1)),
            HyperparameterDeclaration.Whole("units", ValueRange.Closed(1, 1024)),
            HyperparameterDeclaration.Categorical("act", ["relu", "tanh"]),
        ],
        ["loss", "accuracy"])
    {
        Unavailable = new Dictionary<string, string> { ["momentum"] = "only with optimizer sgd" },
    };

    [Theory]
    [InlineData("searched [adam, sgd]", null)]
    [InlineData("constant sgd", null)]
    [InlineData("absent", "reads 'momentum' only with optimizer sgd; here optimizer is only adam")]
    [InlineData("searched [adam, adamw]", "reads 'momentum' only with optimizer sgd; here optimizer is only adam or adamw")]
    [InlineData("constant adamw", "reads 'momentum' only with optimizer sgd; here optimizer is only adamw")]
    public void Check_Should_RejectAConditionalHyperparameter_When_NoMemberCanReadIt(string optimizer, string? expected)
    {
        // Given momentum declared as read only while optimizer is sgd, the optimizer defaulting to adam
        var declaration = new TrainableDeclaration(
            "net",
            [
                HyperparameterDeclaration.Categorical("optimizer", ["adam", "adamw", "sgd"]),
                HyperparameterDeclaration.Real("momentum", ValueRange.HalfOpen(0, 1)) with { ReadWhen = new HyperparameterCondition("optimizer", ["sgd"], "adam") },
            ],
            ["loss"]);
        Hyperparameter[] parameters = optimizer switch
        {
            "absent" => [],
            "constant sgd" => [new ConstantParameter("optimizer", "sgd")],
            "constant adamw" => [new ConstantParameter("optimizer", "adamw")],
            "searched [adam, sgd]" => [new CategoricalParameter("optimizer", ["adam", "sgd"])],
            _ => [new CategoricalParameter("optimizer", ["adam", "adamw"])],
        };

        // When a space searching momentum is checked
        var problems = declaration.Check(new SearchSpace([.. parameters, new FloatParameter("momentum", 0.5, 0.9)]));

        // Then it is rejected, by name, exactly when no member can train with sgd
        if (expected is null)
        {
            Assert.Empty(problems);
        }
        else
        {
            var problem = Assert.Single(problems);
            Assert.Equal((DeclarationProblemKind.NeverRead, "momentum"), (problem.Kind, problem.Name));
            Assert.Contains(expected, problem.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Check_Should_FindNothing_When_TheSpaceFitsTheDeclaration()
    {
        var space = new SearchSpace(
            new FloatParameter("learning_rate", 1e-4, 0.1, ParameterScale.Log),
            new IntegerParameter("dropout", 0, 0),
            new IntegerParameter("units", 16, 256),
            new CategoricalParameter("act", ["tanh"]));

        Assert.Empty(s_declaration.Check(space));
    }

    [Fact]
    public void Check_Should_NameTheKnownNamesAndSuggest_When_AHyperparameterIsUnknown()
    {
        var space = new SearchSpace(new FloatParameter("lr", 0.01, 0.1), new ConstantParameter("learning_rate", 0.1));

        var problem = Assert.Single(s_declaration.Check(space));

        Assert.Equal(DeclarationProblemKind.UnknownHyperparameter, problem.Kind);
        Assert.Equal("lr", problem.Name);
        Assert.Equal("trainable 'net' has no hyperparameter 'lr' (did you mean 'learning_rate'?); it accepts learning_rate, dropout, units, act", problem.Message);
    }

    [Fact]
    public void Check_Should_SayWhichSettingEnablesIt_When_ANameIsUnavailable()
    {
        var problem = Assert.Single(s_declaration.Check(HyperparameterSet.From([new("learning_rate", 0.1), new("momentum", 0.9)])));

        Assert.Contains("'momentum' (only with optimizer sgd)", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_Should_ReportEachBoundAndType_When_TheSpaceLeavesTheDeclaration()
    {
        var space = new SearchSpace(
            new FloatParameter("learning_rate", -1, 0.1),
            new FloatParameter("dropout", 0.5, 1.0),
            new FloatParameter("units", 16, 256),
            new CategoricalParameter("act", ["relu", "gelu"]));

        var problems = s_declaration.Check(space);

        Assert.Equal(
            [
                (DeclarationProblemKind.LowerBoundOutside, "learning_rate", "-1"),
                (DeclarationProblemKind.UpperBoundOutside, "dropout", "1"),
                (DeclarationProblemKind.WrongType, "units", "float"),
                (DeclarationProblemKind.NotAChoice, "act", "gelu"),
            ],
            problems.Select(p => (p.Kind, p.Name, p.Value)));
        Assert.Contains("[0, ∞)", problems[0].Message, StringComparison.Ordinal);
        Assert.Contains("[0, 1)", problems[1].Message, StringComparison.Ordinal);
        Assert.Contains("int in [1, 1024]", problems[2].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_Should_ListTheMissing_When_ARequiredHyperparameterIsNeitherSearchedNorConstant()
    {
        var problem = Assert.Single(s_declaration.Check(new SearchSpace(new ConstantParameter("units", 8))));

        Assert.Equal(DeclarationProblemKind.MissingHyperparameter, problem.Kind);
        Assert.Equal("trainable 'net' needs hyperparameter learning_rate (searched or constant)", problem.Message);
    }

    [Fact]
    public void Check_Should_CheckValues_When_GivenAPoint()
    {
        var point = HyperparameterSet.From([new("learning_rate", -0.5), new("units", 2.5), new("act", "gelu"), new("dropout", "high")]);

        var kinds = s_declaration.Check(point).Select(p => (p.Kind, p.Name)).ToList();

        Assert.Equal(
            [
                (DeclarationProblemKind.ValueOutside, "act"),
                (DeclarationProblemKind.WrongType, "dropout"),
                (DeclarationProblemKind.ValueOutside, "learning_rate"),
                (DeclarationProblemKind.WrongType, "units"),
            ],
            kinds);
    }

    [Fact]
    public void CheckMetric_Should_Suggest_When_TheMetricIsMisspelt()
    {
        var problem = s_declaration.CheckMetric("acuracy");

        Assert.NotNull(problem);
        Assert.Equal("trainable 'net' reports no metric 'acuracy' (did you mean 'accuracy'?); it reports loss, accuracy", problem.Message);
        Assert.Null(s_declaration.CheckMetric("loss"));
    }

    [Fact]
    public void Validate_Should_ThrowListingEveryProblemOnce_When_PointsAreRejected()
    {
        var points = Enumerable.Repeat(HyperparameterSet.From([new("lr", 0.1)]), 3);

        var e = Assert.Throws<ArgumentException>(() => s_declaration.Validate(new Objective("mse", ObjectiveMode.Minimize), points));

        Assert.Contains("(3 problems)", e.Message, StringComparison.Ordinal);
        Assert.Contains("no metric 'mse'", e.Message, StringComparison.Ordinal);
        Assert.Contains("no hyperparameter 'lr'", e.Message, StringComparison.Ordinal);
        Assert.Contains("needs hyperparameter learning_rate", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnyHyperparameter_Should_LetUndeclaredNamesThrough_When_OnlyMetricsAreDeclared()
    {
        var open = TrainableDeclaration.AnyHyperparameter("plain", ["score"]);

        Assert.Empty(open.Check(HyperparameterSet.From([new("whatever", 1.0)])));
        Assert.NotNull(open.CheckMetric("loss"));
        Assert.True(open.AcceptsAnyHyperparameter);
    }

    [Fact]
    public void Constructor_Should_Throw_When_ANameIsDeclaredTwice()
    {
        Assert.Throws<ArgumentException>(() => new TrainableDeclaration("t", [HyperparameterDeclaration.Real("a", ValueRange.All), HyperparameterDeclaration.Real("a", ValueRange.All)], []));
    }

    [Theory]
    [InlineData(0.0, true, "[0, 1)")]
    [InlineData(1.0, false, "[0, 1)")]
    [InlineData(double.NaN, false, "[0, 1)")]
    public void ValueRange_Should_HonourOpenEnds_When_HalfOpen(double value, bool contained, string text)
    {
        var range = ValueRange.HalfOpen(0, 1);

        Assert.Equal(contained, range.Contains(value));
        Assert.Equal(text, range.ToString());
        Assert.Equal("(0, ∞)", ValueRange.Above(0).ToString());
        Assert.Equal("(−∞, ∞)", ValueRange.All.ToString());
    }

    [Theory]
    [InlineData("lr", "learning_rate")]
    [InlineData("metod", "method")]
    [InlineData("exploitt", "exploit")]
    [InlineData("zzz", null)]
    public void Closest_Should_PreferInitialsThenEditDistance_When_Suggesting(string word, string? expected)
    {
        Assert.Equal(expected, NameSuggestions.Closest(word, ["l1", "learning_rate", "method", "exploit"]));
    }
}
