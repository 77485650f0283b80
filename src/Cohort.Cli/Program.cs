using Cohort.Cli;

return await CohortApp.RunAsync(args, Console.Out, Console.Error, interactive: !Console.IsOutputRedirected);
