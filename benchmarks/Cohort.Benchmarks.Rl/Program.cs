using System.Globalization;
using System.Text.Json;
using Cohort.Benchmarks.Rl;

// Paper 002's Deep Double Sarsa experiment on CartPole-v1: PBT-20 (truncation 20 %: the 4 worst take 4 random members
// of the 4 best, then perturb) against 20 fixed-hyperparameter agents (random search from the same prior, the same
// initial points and weights) at equal compute. Prints one JSON object on standard output; progress on standard error.
//   cartpole [--seeds 1,2,3] [--population 20] [--ready 2000] [--budget 60000] [--workers 1] [--methods pbt,random]
//            [--fixed name=value,...]   (with method "fixed": every member with these hyperparameters)
//            [--hidden 64,64] [--batch 32] [--replay 10000]   (the Q-networks and the replay buffer)
var options = CartPoleOptions.Parse(args);
if (options is null)
{
    Console.Error.WriteLine("usage: cartpole [--seeds 1,2,3] [--population N] [--ready STEPS] [--budget STEPS] [--workers N] [--methods pbt,random,fixed] [--fixed name=value,...] [--hidden 64,64] [--batch 32] [--replay 10000]");
    return 2;
}

var report = await CartPoleExperiment.RunAsync(options, Console.Error, CancellationToken.None);
Console.WriteLine(JsonSerializer.Serialize(report, new JsonSerializerOptions
{
    WriteIndented = true,
    PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
}));
return 0;
