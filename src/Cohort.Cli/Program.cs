using Cohort.Cli;
using Cohort.Cli.Console;

using var interrupt = InterruptSignal.Register(Console.Error, args);
var interactive = !Console.IsOutputRedirected;
return await CohortApp.RunAsync(args, Console.Out, Console.Error, interactive, interactive ? () => Console.WindowWidth : null, interrupt.Token);
