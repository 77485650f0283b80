using Cohort.Cli;
using Cohort.Spec.Sections;
using Cohort.TorchSharp;

[assembly: SpecSection(typeof(TorchSection))]

return await CohortApp.RunAsync(args, Console.Out, Console.Error, interactive: !Console.IsOutputRedirected);
