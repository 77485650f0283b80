using System.CommandLine;
using Cohort.Cli.Console;

namespace Cohort.Cli;

/// <summary><c>--quiet</c> and <c>--verbose</c>, shared by the commands that train or write.</summary>
internal sealed class VerbosityOptions
{
    private readonly Option<bool> _quiet = new("--quiet", "-q") { Description = "Print only problems (no progress, no results table)." };

    private readonly Option<bool> _verbose = new("--verbose", "-v") { Description = "Also print every evaluation, failure and retry, and (with --storage) every claim and decision." };

    public void AddTo(Command command)
    {
        command.Options.Add(_quiet);
        command.Options.Add(_verbose);
    }

    /// <summary>The verbosity asked for; both at once is an error.</summary>
    public Verbosity Resolve(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        var quiet = parse.GetValue(_quiet);
        var verbose = parse.GetValue(_verbose);
        return (quiet, verbose) switch
        {
            (true, true) => throw new UsageException("--quiet and --verbose contradict each other; give one."),
            (true, false) => Verbosity.Quiet,
            (false, true) => Verbosity.Verbose,
            _ => Verbosity.Normal,
        };
    }

    /// <summary>The verbosity for the terminal, without failing on a contradiction (that is reported once the command runs).</summary>
    public Verbosity Peek(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        return parse.GetValue(_verbose) ? Verbosity.Verbose : parse.GetValue(_quiet) ? Verbosity.Quiet : Verbosity.Normal;
    }
}
